"""Pure rules of notifications: which events reach whom and through which channels, how contact
details are checked, and how long an SMS is (when to try again is the outbox's: outbox.rules).
No I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# --- Events ----------------------------------------------------------------------------------------

# History kinds of an application that a person hears about, and the template each uses. The
# payments app records payment_due, paid and refunded as history too, so they arrive here as well.
EVENT_FOR_KIND: dict[str, str] = {
    "submitted": "submitted",
    "sent_to_agency": "sent_to_agency",
    "info_requested": "info_requested",
    "approved": "approved",
    "rejected": "rejected",
    "completed": "completed",
    "cancelled": "cancelled",
    "withdrawn": "withdrawn",
    "payment_due": "payment_due",
    "paid": "payment_received",
    "refunded": "payment_refunded",
}

APPLICATION_EVENTS = frozenset(
    {
        "submitted",
        "sent_to_agency",
        "info_requested",
        "consent_requested",
        "approved",
        "rejected",
        "completed",
        "cancelled",
        "withdrawn",
        "payment_due",
        "payment_received",
        "payment_refunded",
        "party_update",
    }
)
PAYMENT_EVENTS = frozenset({"payment_due", "payment_received", "payment_refunded"})
NOTICE_EVENTS = frozenset({"notice", "notice_guardian"})
SERVICE_EVENTS = frozenset({"service_published", "service_returned"})  # to an agency's administrator
REMINDER_EVENTS = frozenset(
    {
        "document_expiring",
        "company_licence_expiring",
        "company_workforce_expiring",
        "company_contributions_due",
    }
)
JOURNEY_EVENTS = frozenset(
    {"journey_started", "journey_step_done", "journey_step_failed", "journey_step_waiting"}
)
# A role on an agency's staff given or ended: the inbox only (the person hears of it from the agency too).
STAFF_EVENTS = frozenset({"staff_appointed", "staff_removed"})
COMPLAINT_EVENTS = frozenset(
    {
        "complaint_filed",
        "complaint_acknowledged",
        "complaint_question",
        "complaint_forwarded",
        "complaint_resolved",
        "complaint_reopened",
        "complaint_escalated",
    }
)

# --- One message per step -------------------------------------------------------------------------
#
# One thing a person does (filing, paying) or an agency decides may move an application through
# several states in one go: an automatic renewal paid for is paid, approved, issued and completed at
# once. The person hears one message for it, the one of the state where the application comes to
# rest (waits for someone, or has ended): "done, here is your document", not four messages.

# States in which an application waits for someone (the person, a party, the agency) or has ended.
RESTING_STATES = frozenset(
    {"awaiting_payment", "in_review", "action_needed", "completed", "rejected", "cancelled", "withdrawn"}
)
# Steps of their own that change no state: a refund comes after the application ended, by itself.
RESTING_KINDS = frozenset({"refunded"})

# When one step holds several events a person would hear about, they hear the first of these: an
# outcome, else what they must do, else the money, else where the application went.
STEP_MESSAGE_ORDER = (
    "completed",
    "rejected",
    "cancelled",
    "withdrawn",
    "info_requested",
    "payment_due",
    "payment_refunded",
    "payment_received",
    "sent_to_agency",
    "approved",
    "submitted",
)

# A "please pay" waits this long (the gateway's page lives as long): someone who files and pays at
# once hears only the outcome; someone who left without paying is asked to pay.
REMIND_TO_PAY_AFTER_MINUTES = 15


@dataclass(frozen=True)
class Moment:
    """One row of an application's history, as these rules see it."""

    id: int
    kind: str
    to_state: str = ""  # where it moved the application ("" when it moved nothing)


def rests(moment: Moment) -> bool:
    return moment.to_state in RESTING_STATES or moment.kind in RESTING_KINDS


def step_of(history: Sequence[Moment], moment_id: int) -> list[Moment]:
    """The rows of the step `moment_id` belongs to (history oldest first): after the application last
    came to rest before it, up to where it comes to rest at or after it (or the newest row, when it
    has not come to rest since: e.g. filed, and waiting for a party's consent)."""
    at = next(i for i, m in enumerate(history) if m.id == moment_id)
    start = at
    while start > 0 and not rests(history[start - 1]):
        start -= 1
    end = at
    while end < len(history) - 1 and not rests(history[end]):
        end += 1
    return list(history[start : end + 1])


def speaks_for_its_step(history: Sequence[Moment], moment_id: int) -> bool:
    """Whether the message of this row is the one message of its step (the rows of one step each ask,
    and exactly one of them says yes)."""
    told = [m for m in step_of(history, moment_id) if m.kind in EVENT_FOR_KIND]
    if not told:
        return False
    first = min(told, key=lambda m: STEP_MESSAGE_ORDER.index(EVENT_FOR_KIND[m.kind]))
    return first.id == moment_id


# Outcomes the other parties of an application (the buyer, a mother...) hear about too.
PARTY_EVENTS = frozenset({"rejected", "completed", "cancelled", "withdrawn"})

# Every event goes to the inbox. E-mail and SMS carry only those a person must act on or would not
# otherwise learn in time: not what they just did on screen themselves (submitting, withdrawing), nor
# steps that another message follows in the same moment (approved is always followed by completed,
# submitted by sent_to_agency or payment_due), so that one change never means three SMS.
ALERT_EVENTS = frozenset(
    {
        "complaint_question",
        "complaint_resolved",
        "info_requested",
        "consent_requested",
        "rejected",
        "completed",
        "cancelled",
        "payment_due",
        "payment_received",
        "payment_refunded",
        "party_update",
        "notice",
        "notice_guardian",
        "document_expiring",
        "company_licence_expiring",
        "company_workforce_expiring",
        "company_contributions_due",
        # A journey's start, and a step that failed or waits for the person; a step done by itself is
        # told in the inbox only (never pushy).
        "journey_started",
        "journey_step_failed",
        "journey_step_waiting",
    }
)

EMAIL, SMS, PUSH = "email", "sms", "push"

# --- Language --------------------------------------------------------------------------------------


def language_of(preferred: str) -> str:
    """The language a person's messages go out in: their one language (of pages and messages)."""
    return preferred if preferred in ("ar", "en") else "ar"


def other_language(language: str) -> str:
    """The message is written in the other language too, for the inbox read in it."""
    return "en" if language == "ar" else "ar"


@dataclass(frozen=True)
class Contact:
    """Where a person chose to hear from Sahl, besides the inbox."""

    email: str
    phone: str
    by_email: bool
    by_sms: bool
    devices: tuple[str, ...] = ()  # the push subscriptions (their ids) of the devices they turned on


def channels_for(event: str, contact: Contact) -> list[tuple[str, str]]:
    """The outside channels (channel, address) a message of this event goes through: push, to each
    device the person turned notifications on for, carries what e-mail and SMS carry."""
    if event not in ALERT_EVENTS:
        return []
    channels = []
    if contact.by_email and contact.email:
        channels.append((EMAIL, contact.email))
    if contact.by_sms and contact.phone:
        channels.append((SMS, contact.phone))
    channels += [(PUSH, device) for device in contact.devices]
    return channels


ADULT_AGE = 18


def needs_guardians(age: int) -> bool:
    """A minor's notices go to their guardians too."""
    return age < ADULT_AGE
