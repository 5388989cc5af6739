"""What operators read about the outbox's attempts and the event backbone (gettext, in the page's
language); a delivery's own states and channels are the outbox's words (outbox.labels)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

OUTCOMES = {
    "sent": pgettext_lazy("delivery attempt", "Sent"),
    "retry": pgettext_lazy("delivery attempt", "Failed, will retry"),
    "failed": pgettext_lazy("delivery attempt", "Failed permanently"),
    "uncertain": pgettext_lazy("delivery attempt", "Uncertain"),
    "skipped": pgettext_lazy("delivery attempt", "Skipped: circuit breaker open"),
    "cut_off": pgettext_lazy("delivery attempt", "Cut off: the worker stopped mid-attempt"),
}

AGES = {
    "0": _("Any age"),
    "10": _("Older than 10 minutes"),
    "60": _("Older than an hour"),
    "1440": _("Older than a day"),
}

HANDLING_STATES = {
    "pending": _("Waiting"),
    "done": _("Done"),
    "failing": _("Failing, retrying"),
    "gave_up": _("Gave up"),
}
