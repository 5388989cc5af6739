"""What a person reads about a payment's state (gettext, in the page's language)."""

from django.utils.translation import gettext_lazy as _

from sahl.core.messages import MESSAGES
from sahl.payments.models import PaymentIntent

STATES = {
    PaymentIntent.State.PENDING: _("Waiting for the payment result"),
    PaymentIntent.State.PAID: _("Paid"),
    PaymentIntent.State.DECLINED: _("Declined by the bank"),
    PaymentIntent.State.CANCELLED: _("Payment cancelled"),
    PaymentIntent.State.FAILED: _("Not completed — you were not charged"),
    PaymentIntent.State.EXPIRED: _("Payment timed out"),
    PaymentIntent.State.REFUNDED: _("Refunded to you"),
}

# What happened to the last attempt and what to do, on the application's page.
NOTICES = {
    "failed": _(
        "The bank did not complete your last payment, and the payment gateway confirmed that you were "
        "not charged. You can pay again now."
    ),
    "open": _("Your last payment is still open on the payment gateway's page: press “Pay now” to finish it."),
    "unknown": _(
        "The bank has not yet told us whether your last payment went through. You will not be charged "
        "twice. Check this page again after {time}."
    ),
}

# A basket: one payment for several dues.
GIVEN_BACK = _("Being refunded to you")
BASKET_NOTICES = {
    "given_back": _(
        "When the payment arrived, some of what it paid was no longer due, so nothing was paid and the "
        "whole amount is being refunded to you. You can pay the rest again now."
    ),
}

MESSAGES.update(
    {
        "payment.in_basket": _(
            "This fee is being paid together with others in a payment that is still open; finish or cancel "
            "that payment first."
        ),
        "payment.already_started": _(
            "Some of these are already being paid in another payment that is still open; finish or cancel "
            "that payment first."
        ),
        "payment.basket_agencies": _("One payment can only pay dues to the same agency."),
        "payment.basket_size": _("Choose between 1 and {limit} items to pay at once."),
        "payment.due_not_found": _("We could not find one of these dues."),
    }
)
