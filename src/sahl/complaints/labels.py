"""What people read about complaints: states, steps and kinds of media (gettext, in the page's
language)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

STATES = {
    "received": pgettext_lazy("report state", "Received"),
    "acknowledged": pgettext_lazy("report state", "Being handled"),
    "waiting": pgettext_lazy("report state", "Waiting for your answer"),
    "resolved": pgettext_lazy("report state", "Resolved"),
    "closed": pgettext_lazy("report state", "Closed"),
}

# Staff read the same states from their side: the report waits for the reporter, not for them.
STAFF_STATES = STATES | {
    "waiting": pgettext_lazy("report state, staff", "Waiting for the reporter's answer"),
}

EVENTS = {
    "filed": pgettext_lazy("report step", "Report filed"),
    "routed": pgettext_lazy("report step", "Sent to the agency responsible"),
    "joined": pgettext_lazy("report step", "Someone else joined the report"),
    "acknowledged": pgettext_lazy("report step", "The agency took it on"),
    "question": pgettext_lazy("report step", "A question from the agency"),
    "answer": pgettext_lazy("report step", "The reporter's answer"),
    "forwarded": pgettext_lazy("report step", "Forwarded to another agency"),
    "resolved": pgettext_lazy("report step", "Resolved"),
    "reopened": pgettext_lazy("report step", "Reopened"),
    "rated": pgettext_lazy("report step", "Rated"),
    "escalated": pgettext_lazy("report step", "Escalated to a supervisor: past its deadline"),
    "closed": pgettext_lazy("report step", "Closed"),
}

MEDIA = {
    "photo": _("Photo"),
    "voice": _("Voice note"),
    "resolution": _("Photo of the fix"),
}

LABELS = {"states": STATES, "events": EVENTS, "media_kinds": MEDIA}
STAFF_LABELS = LABELS | {"states": STAFF_STATES}
