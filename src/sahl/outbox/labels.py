"""A delivery's states and channels as people read them (gettext, in the page's language): the
operators' outbox page and the simulators' outbox page show them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STATES = {
    "queued": _("Queued"),
    "sending": _("Sending"),
    "sent": _("Sent"),
    "retrying": _("Failed, retrying"),
    "failed": _("Failed permanently"),
    "uncertain": _("Uncertain"),
}

CHANNELS = {
    "email": _("E-mail"),
    "sms": _("SMS"),
    "agency": _("Agency's system"),
    "refund": _("Refund at the payment gateway"),
    "push": _("Notification on a device"),
}
