"""The domain events: what happened, in Sahl's vocabulary, announced once by the app that owns the
change and heard by any app that cares. Each type is named `<thing>.<what happened>` and versioned;
its payload carries identifiers (row ids, references, codes), never personal details, so a listener
reads what it needs from the owner's rows and an event log can be kept and shown to operators.

A new field with a default keeps the version; renaming or removing one is a new version."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar


@dataclass(frozen=True)
class DomainEvent:
    type: ClassVar[str]
    version: ClassVar[int] = 1

    @property
    def subject(self) -> str:
        """What the event is about, as operators search for it (a reference, never a name)."""
        return ""

    def payload(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


E = TypeVar("E", bound=DomainEvent)
TYPES: dict[str, type[DomainEvent]] = {}


def event_type(cls: type[E]) -> type[E]:
    """Register an event class by its type name (one class per name)."""
    if cls.type in TYPES:
        raise ValueError(f"event type {cls.type} is defined twice")
    TYPES[cls.type] = cls
    return cls


def rebuild(type_name: str, payload: dict[str, Any]) -> DomainEvent:
    """The event object back from its stored row (unknown keys are ignored: older listeners)."""
    cls = TYPES[type_name]
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in payload.items() if k in names})


# --- Applications ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationEvent(DomainEvent):
    """A step of an application's state machine, with the history row that records it."""

    application_id: int
    reference: str
    history_id: int
    kind: str  # the history entry's kind (e.g. sent_to_agency, info_requested)
    from_state: str
    to_state: str
    # The application's service, so a listener that follows only some services is not even queued
    # for the others (journeys: ADR 0073). None in events written before it was added.
    service_id: int | None = None

    @property
    def subject(self) -> str:
        return f"application:{self.reference}"


@event_type
@dataclass(frozen=True)
class ApplicationSubmitted(ApplicationEvent):
    type = "application.submitted"


@event_type
@dataclass(frozen=True)
class ApplicationMoved(ApplicationEvent):
    """Any other step: waiting for payment, sent to the agency, information asked, cancelled..."""

    type = "application.moved"


@event_type
@dataclass(frozen=True)
class ApplicationDecided(ApplicationEvent):
    """Approved or rejected (`to_state`)."""

    type = "application.decided"


@event_type
@dataclass(frozen=True)
class ApplicationCompleted(ApplicationEvent):
    type = "application.completed"


@event_type
@dataclass(frozen=True)
class ApplicationAssigned(ApplicationEvent):
    """A caseworker took the case (`from_state` = `to_state`: assignment is not a step)."""

    type = "application.assigned"


# Every step of an application's state machine: what each read model of applications follows.
APPLICATION_STEPS: tuple[type[ApplicationEvent], ...] = (
    ApplicationSubmitted,
    ApplicationMoved,
    ApplicationDecided,
    ApplicationCompleted,
)


@event_type
@dataclass(frozen=True)
class DocumentIssued(DomainEvent):
    """A document was issued on an application (the wallet ends what it replaces)."""

    type = "document.issued"
    document_id: int
    application_id: int

    @property
    def subject(self) -> str:
        return f"document:{self.document_id}"


@event_type
@dataclass(frozen=True)
class DocumentReady(DomainEvent):
    """An issued document's file is there to download (its PDF rendered after the decision, or the
    file an agency uploaded): announced once per document, after its `document.issued`."""

    type = "document.ready"
    document_id: int
    application_id: int

    @property
    def subject(self) -> str:
        return f"document:{self.document_id}"


# --- Payments --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentEvent(DomainEvent):
    intent_id: int
    application_id: int
    amount_fils: int

    @property
    def subject(self) -> str:
        return f"payment:{self.intent_id}"


@event_type
@dataclass(frozen=True)
class PaymentCaptured(PaymentEvent):
    type = "payment.captured"


@event_type
@dataclass(frozen=True)
class PaymentRefunded(PaymentEvent):
    type = "payment.refunded"


@event_type
@dataclass(frozen=True)
class DuesPaid(DomainEvent):
    """Dues held outside Sahl's applications (a company's monthly social-insurance statements) were
    paid in one payment: the register that holds them marks them paid. Announced once per payment."""

    type = "payment.dues_paid"
    intent_id: int
    references: tuple[str, ...]  # the dues' references in their register
    paid_on: str  # ISO date (Kuwait)

    def __post_init__(self) -> None:
        object.__setattr__(self, "references", tuple(self.references))  # a list when read back from JSON

    @property
    def subject(self) -> str:
        return f"payment:{self.intent_id}"


# --- Mandates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MandateEvent(DomainEvent):
    mandate_id: int
    application_reference: str  # the power of attorney's own application, "" for other mandates

    @property
    def subject(self) -> str:
        return f"mandate:{self.mandate_id}"


@event_type
@dataclass(frozen=True)
class MandateGranted(MandateEvent):
    type = "mandate.granted"


@event_type
@dataclass(frozen=True)
class MandateRevoked(MandateEvent):
    type = "mandate.revoked"


@event_type
@dataclass(frozen=True)
class DelegateInvited(MandateEvent):
    """An owner or signatory invited a person as the company's representative (not yet accepted)."""

    type = "mandate.delegate_invited"


# --- Catalogue -------------------------------------------------------------------------------


@event_type
@dataclass(frozen=True)
class ServiceRenamed(DomainEvent):
    """What a service shows of itself beside its applications changed on publishing: its name, its
    category or its agency's name (the read rows that copy them are written again)."""

    type = "catalogue.service_renamed"
    service_id: int
    code: str

    @property
    def subject(self) -> str:
        return f"service:{self.code}"


# --- Complaints ------------------------------------------------------------------------------


@event_type
@dataclass(frozen=True)
class ServiceDraftDecided(DomainEvent):
    """An operator published or returned a service definition an agency's administrator submitted
    (`outcome`: published or returned); its author is told."""

    type = "catalogue.draft_decided"
    draft_id: int
    code: str
    outcome: str

    @property
    def subject(self) -> str:
        return f"service:{self.code}"


@event_type
@dataclass(frozen=True)
class ComplaintMoved(DomainEvent):
    """A step in a report's handling (acknowledged, question, forwarded, resolved, escalated...)."""

    type = "complaint.moved"
    complaint_id: int
    reference: str
    step_id: int  # the complaint's history row
    kind: str
    actor_id: int | None = None  # who acted (not told about their own step)

    @property
    def subject(self) -> str:
        return f"complaint:{self.reference}"


# --- Register facts --------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFact(DomainEvent):
    """Something the registers now hold; `record` names the row (e.g. person:<id>)."""

    record: str

    @property
    def subject(self) -> str:
        return self.record


@event_type
@dataclass(frozen=True)
class BirthRecorded(RegisterFact):
    """A birth entered in the population register (record: birth:<id>): the newborn journey starts."""

    type = "register.birth_recorded"


@event_type
@dataclass(frozen=True)
class MarriageRecorded(RegisterFact):
    """A marriage contract entered in the registers (record: marriage:<id>): the married journey starts."""

    type = "register.marriage_recorded"


@event_type
@dataclass(frozen=True)
class CompanyLicenceCancelled(DomainEvent):
    """The Ministry of Commerce cancelled a company's commercial licence (by an approved cancellation
    or directly through the agency API): what certified it is revoked (the wallet's credentials)."""

    type = "register.licence_cancelled"
    company_number: str  # CR-<digits>, the commercial register's number

    @property
    def subject(self) -> str:
        return f"company:{self.company_number}"


# --- Journeys --------------------------------------------------------------------------------
# Journeys decide who is told what; notifications (on the same floor, so it reads no journey table)
# delivers it: these events carry the recipients' account ids and the words that are not personal
# (the journey's and the step's names), never a name or a civil ID.


@dataclass(frozen=True)
class JourneyEvent(DomainEvent):
    journey_id: int
    reference: str
    name_ar: str  # the journey's name
    name_en: str
    user_ids: tuple[int, ...]  # the members' accounts to tell (members without one are not told)

    @property
    def subject(self) -> str:
        return f"journey:{self.reference}"


@event_type
@dataclass(frozen=True)
class JourneyStarted(JourneyEvent):
    """A life-event journey began (by itself from a register, or by a person): its members are told once."""

    type = "journey.started"
    done_ar: str = ""  # the steps Sahl did at once, by name
    done_en: str = ""
    waiting: int = 0  # steps that wait for a member (an offer, a form)


@event_type
@dataclass(frozen=True)
class JourneyStepMoved(JourneyEvent):
    """A step of a journey changed state (`state`: done, failed, offered, waiting_for_you...).
    `by_itself`: Sahl ran it without the person, who is told when it finishes."""

    type = "journey.step_moved"
    step: str = ""
    state: str = ""
    step_name_ar: str = ""
    step_name_en: str = ""
    by_itself: bool = False


@event_type
@dataclass(frozen=True)
class JourneyCompleted(DomainEvent):
    """A journey's last step was done (or left out): it is completed. Nobody is told by this event
    (the last step's own event tells them); the public statistics count it."""

    type = "journey.completed"
    journey_id: int
    reference: str
    code: str

    @property
    def subject(self) -> str:
        return f"journey:{self.reference}"


@event_type
@dataclass(frozen=True)
class ReminderDue(DomainEvent):
    """One person is to be told that a document (theirs, or a child's in their care) expires soon:
    `document` is its kind (passport, vehicle_registration...), `renew` the catalogue service that
    renews it, `for_child` whether it is a child's. A company's reminder (issue 20) names the company
    (`company`, its number) and counts, never names: `document` is commercial_licence, workforce
    (`permits` and `residencies` of its workers ending by `expires_on`) or contributions
    (`amount_fils` unpaid, due on `expires_on`)."""

    type = "reminder.due"
    reminder_id: int
    user_id: int
    document: str
    expires_on: str  # ISO date
    days_before: int
    renew: str
    for_child: bool = False
    company: str = ""
    permits: int = 0
    residencies: int = 0
    amount_fils: int = 0

    @property
    def subject(self) -> str:
        return f"reminder:{self.reminder_id}"


# --- Staff of agencies -----------------------------------------------------------------------


@dataclass(frozen=True)
class StaffEvent(DomainEvent):
    """A person was given a role at an agency, or their role ended (identity.staff). `role` is the
    role given or the one that ended; `previous_role` the one it replaced ("" for a first role)."""

    user_id: int
    agency_id: int
    role: str
    previous_role: str = ""

    @property
    def subject(self) -> str:
        return f"staff:{self.user_id}"


@event_type
@dataclass(frozen=True)
class StaffAppointed(StaffEvent):
    type = "staff.appointed"


@event_type
@dataclass(frozen=True)
class StaffRemoved(StaffEvent):
    type = "staff.removed"
