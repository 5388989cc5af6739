"""What the notification pages and the API call things, and the notification forms' field errors
(gettext, in the page's language)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CHANNELS = {
    "inbox": _("Sahl inbox"),
    "email": _("E-mail"),
    "sms": _("SMS"),
    "push": _("Notification on a device"),
}

DELIVERY_STATES = {
    "queued": pgettext_lazy("alert delivery", "Queued"),
    "sending": pgettext_lazy("alert delivery", "Sending"),
    "sent": pgettext_lazy("alert delivery", "Sent"),
    "retrying": pgettext_lazy("alert delivery", "Not sent yet, will try again"),
    "failed": pgettext_lazy("alert delivery", "Could not be sent"),
    "uncertain": pgettext_lazy("alert delivery", "Uncertain, being checked by our operators"),
}

# How the agency's staff read the recipients of a notice.
ROLES = {
    "addressee": _("Addressee"),
    "father": _("Father (guardian)"),
    "mother": _("Mother (guardian)"),
}

# How each recipient reads who else was notified: {their role: {other's role: text}}.
OTHERS = {
    "addressee": {
        "father": _("your father, as your guardian"),
        "mother": _("your mother, as your guardian"),
    },
    "father": {
        "addressee": _("the person it is addressed to"),
        "mother": _("the mother, as guardian"),
    },
    "mother": {
        "addressee": _("the person it is addressed to"),
        "father": _("the father, as guardian"),
    },
}

NOTICE_EVENTS = {
    "sent": pgettext_lazy("notice log", "The agency sent the notice"),
    "waiting": pgettext_lazy("notice log", "Waiting for them to open a Sahl account"),
    "delivered": pgettext_lazy("notice log", "Delivered to the inbox"),
    "channel_sent": pgettext_lazy("notice log", "Alert sent"),
    "channel_failed": pgettext_lazy("notice log", "Alert could not be sent"),
    "channel_uncertain": pgettext_lazy("notice log", "Alert sending uncertain"),
    "read": pgettext_lazy("notice log", "Opened and read"),
}

KINDS = {
    "application": pgettext_lazy("message kind", "Application"),
    "notice": pgettext_lazy("message kind", "Official notice"),
    "reminder": pgettext_lazy("message kind", "Reminder"),
    "journey": pgettext_lazy("message kind", "Journey"),
    "service": pgettext_lazy("message kind", "Service publishing"),
    "staff": pgettext_lazy("message kind", "Agency staff"),
}

# Field errors (shown beside the field, in the page's language).
ERRORS = {
    "email": _("This e-mail address is not valid; for example: name@example.com"),
    "phone": _(
        "This phone number is not valid: enter a Kuwaiti mobile number of 8 digits starting with 5, 6 or 9."
    ),
    "email_needed": _("Enter your e-mail address to receive messages by e-mail."),
    "phone_needed": _("Enter your phone number to receive SMS."),
    "language": _("Choose Arabic or English."),
    "push_endpoint": _(
        "This browser's notification service is not one Sahl can send to. Try another browser."
    ),
    "push_keys": _("This browser sent incomplete notification keys. Reload the page and try again."),
    "push_too_many": _("Notifications are on for 20 devices already: remove one you no longer use first."),
    "civil_id_unknown": _("This civil ID is not in the civil register."),
    "subject": _("Write the notice's subject (at most 200 characters)."),
    "body": _("Write the notice's text (at most 4000 characters)."),
    "due_on": _("Write the date as 2026-12-31; it cannot be in the past."),
    # Sending a notice is confirmed for the civil ID whose name was shown, and the text shown.
    "confirmation": _(
        "The civil ID or the text changed after the addressee's name was shown. Check the addressee "
        "again before sending."
    ),
    "confirmation_expired": _(
        "The addressee's name was shown more than 30 minutes ago. Check the addressee again before sending."
    ),
}
