"""Pure rules of notifications: which events reach whom and through which channels, how contact
details are checked, and how long an SMS is (when to try again is the outbox's: outbox.rules).
No I/O."""

from __future__ import annotations

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
    }
)

EMAIL, SMS = "email", "sms"


@dataclass(frozen=True)
class Contact:
    """Where a person chose to hear from Sahl, besides the inbox."""

    email: str
    phone: str
    by_email: bool
    by_sms: bool


def channels_for(event: str, contact: Contact) -> list[tuple[str, str]]:
    """The outside channels (channel, address) a message of this event goes through."""
    if event not in ALERT_EVENTS:
        return []
    channels = []
    if contact.by_email and contact.email:
        channels.append((EMAIL, contact.email))
    if contact.by_sms and contact.phone:
        channels.append((SMS, contact.phone))
    return channels


ADULT_AGE = 18


def needs_guardians(age: int) -> bool:
    """A minor's notices go to their guardians too."""
    return age < ADULT_AGE
