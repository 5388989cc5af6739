"""What people read about applications: states, history steps, consents, delivery to the agency
(gettext: pages read them in their language, the API and "My data" in both, messages in the
recipient's)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sahl.applications.models import HistoryEvent, Party
from sahl.applications.states import Category, State

STATES = {
    State.DRAFT: pgettext_lazy("application state", "Draft"),
    State.SUBMITTED: pgettext_lazy("application state", "Received"),
    State.AWAITING_PAYMENT: pgettext_lazy("application state", "Awaiting payment"),
    State.IN_REVIEW: pgettext_lazy("application state", "In review at the agency"),
    State.ACTION_NEEDED: pgettext_lazy("application state", "Action needed from you"),
    State.APPROVED: pgettext_lazy("application state", "Approved"),
    State.COMPLETED: pgettext_lazy("application state", "Completed"),
    State.REJECTED: pgettext_lazy("application state", "Rejected"),
    State.CANCELLED: pgettext_lazy("application state", "Cancelled"),
    State.WITHDRAWN: pgettext_lazy("application state", "Withdrawn"),
}

# The person's list groups states into fewer categories; most read as the state they gather.
CATEGORIES = {
    Category.DRAFT: STATES[State.DRAFT],
    Category.RECEIVED: STATES[State.SUBMITTED],
    Category.IN_PROGRESS: pgettext_lazy("application state", "In progress"),
    Category.ACTION_NEEDED: STATES[State.ACTION_NEEDED],
    Category.APPROVED: STATES[State.APPROVED],
    Category.REJECTED: STATES[State.REJECTED],
    Category.COMPLETED: STATES[State.COMPLETED],
    Category.CANCELLED: STATES[State.CANCELLED],
}

EVENTS = {
    HistoryEvent.Kind.CREATED: pgettext_lazy("application history", "Draft created"),
    HistoryEvent.Kind.SAVED: pgettext_lazy("application history", "Draft saved"),
    HistoryEvent.Kind.SUBMITTED: pgettext_lazy("application history", "Application submitted"),
    HistoryEvent.Kind.CONSENT_GIVEN: pgettext_lazy("application history", "The other party agreed"),
    HistoryEvent.Kind.CONSENT_DECLINED: pgettext_lazy("application history", "The other party declined"),
    HistoryEvent.Kind.PAYMENT_DUE: pgettext_lazy("application history", "The fee is due"),
    HistoryEvent.Kind.PAID: pgettext_lazy("application history", "The fee was paid"),
    HistoryEvent.Kind.REFUNDED: pgettext_lazy("application history", "The fee was refunded to you"),
    HistoryEvent.Kind.SENT_TO_AGENCY: pgettext_lazy("application history", "Sent to the agency"),
    HistoryEvent.Kind.DELIVERED: pgettext_lazy("application history", "Received by the agency's system"),
    HistoryEvent.Kind.AGENCY_UPDATE: pgettext_lazy("application history", "The agency reported progress"),
    HistoryEvent.Kind.TAKEN: pgettext_lazy("application history", "A caseworker took the application"),
    HistoryEvent.Kind.REASSIGNED: pgettext_lazy(
        "application history", "A supervisor gave the application to another caseworker"
    ),
    HistoryEvent.Kind.INFO_REQUESTED: pgettext_lazy(
        "application history", "The agency asked you for information"
    ),
    HistoryEvent.Kind.INFO_PROVIDED: pgettext_lazy(
        "application history", "You sent the information asked for"
    ),
    HistoryEvent.Kind.APPROVED: pgettext_lazy("application history", "Application approved"),
    HistoryEvent.Kind.REJECTED: pgettext_lazy("application history", "Application rejected"),
    HistoryEvent.Kind.DOCUMENT_ISSUED: pgettext_lazy("application history", "Document issued"),
    HistoryEvent.Kind.REGISTER_UPDATED: pgettext_lazy("application history", "Register updated"),
    HistoryEvent.Kind.COMPLETED: pgettext_lazy("application history", "Application completed"),
    HistoryEvent.Kind.CANCELLED: pgettext_lazy("application history", "Application cancelled"),
    HistoryEvent.Kind.WITHDRAWN: pgettext_lazy("application history", "Application withdrawn"),
}

CONSENTS = {
    Party.Consent.NOT_NEEDED: pgettext_lazy("party consent", "No consent needed"),
    Party.Consent.PENDING: pgettext_lazy("party consent", "Waiting for consent"),
    Party.Consent.GIVEN: pgettext_lazy("party consent", "Agreed"),
    Party.Consent.DECLINED: pgettext_lazy("party consent", "Declined"),
}


# Whether the application reached the agency's own system, as the person reads it (by the state of
# its delivery in the outbox), without the machinery.
_SENDING = _("Your application is being sent to the agency's system.")
_DELAYED = _("Sending your application to the agency is delayed; it is safe and the Sahl team is on it.")
DELIVERY = {
    "queued": _SENDING,
    "sending": _SENDING,
    "retrying": _(
        "The agency's system is not answering now; your application is safe and we will send it automatically."
    ),
    "sent": _("Your application was sent to the agency and its system received it."),
    "failed": _DELAYED,
    "uncertain": _DELAYED,
}
