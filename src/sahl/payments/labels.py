"""What a person reads about a payment's state (gettext, in the page's language)."""

from django.utils.translation import gettext_lazy as _

from sahl.payments.models import PaymentIntent

STATES = {
    PaymentIntent.State.PENDING: _("Waiting for the payment result"),
    PaymentIntent.State.PAID: _("Paid"),
    PaymentIntent.State.DECLINED: _("Declined by the bank"),
    PaymentIntent.State.CANCELLED: _("Payment cancelled"),
    PaymentIntent.State.EXPIRED: _("Payment timed out"),
    PaymentIntent.State.REFUNDED: _("Refunded to you"),
}
