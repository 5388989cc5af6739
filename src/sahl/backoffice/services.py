"""Use cases of caseworkers: the agency's queue, taking a case, asking for information, deciding.

A caseworker sees only their agency's applications; another agency's case answers NotFound."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet

from sahl.applications import assigning, clock, deciding, moving, reading
from sahl.applications.models import Application, Attachment, HistoryEvent, InfoRequest
from sahl.applications.states import State
from sahl.audit import services as audit
from sahl.backoffice import queue
from sahl.backoffice.models import NO_DUE_DATE, QueueEntry
from sahl.backoffice.queue import WORKABLE
from sahl.core.compiled import CompiledRead, all_columns
from sahl.core.errors import BadInput, Conflict, NotFound
from sahl.identity import kept
from sahl.identity.models import StaffMembership, User
from sahl.mandates import services as mandates
from sahl.mandates.rules import Action


class AlreadyTaken(Conflict):
    def __init__(self) -> None:
        super().__init__("application.already_taken")


@dataclass(frozen=True)
class QueueFilter:
    service: str = ""
    state: str = ""
    overdue: bool = False
    mine: bool = False
    caseworker: int | None = None  # only this caseworker's cases (a user id; the team page links it)


def membership_of(user: User) -> StaffMembership:
    membership = kept.membership_of(user)  # kept with the logged-in user: no query (ADR 0044)
    if membership is None:
        raise NotFound("page.not_found")
    return membership


def _entries(user: User, wanted: QueueFilter, membership: StaffMembership) -> QuerySet[QueueEntry]:
    """The query behind the queue's pages: the agency's open cases, the most urgent first, read from
    the queue's rows in the order of the index that serves the filter (test_explain reads it)."""
    entries = _entries_of_agency(membership.agency_id)
    if wanted.state:
        entries = entries.filter(state=wanted.state)
    if wanted.service:
        entries = entries.filter(service_code=wanted.service)
    if wanted.overdue:
        entries = entries.filter(due_sort__lt=clock.today(), state=State.IN_REVIEW)
    if wanted.mine:
        entries = entries.filter(assignee=user)
    if wanted.caseworker:
        entries = entries.filter(assignee_id=wanted.caseworker)
    return entries.order_by(*QUEUE_ORDER)


QUEUE_ORDER = ("due_sort", "submitted_at", "application_id")


def _entries_of_agency(agency_id: int) -> QuerySet[QueueEntry]:
    return QueueEntry.objects.filter(agency_id=agency_id).order_by(*QUEUE_ORDER)


def _closed_cases(user: User, wanted: QueueFilter, membership: StaffMembership) -> QuerySet[Application]:
    """The agency's cases in a state the queue's rows do not hold (received, decided...), asked for
    by the status filter: read from the applications, by their (agency, state, due date) index."""
    cases = (
        Application.objects.filter(agency=membership.agency, state=wanted.state)
        .exclude(state=State.DRAFT)  # a draft is the applicant's alone
        .select_related("service", "assigned_to")
    )
    if wanted.service:
        cases = cases.filter(service__code=wanted.service)
    if wanted.overdue:
        cases = cases.filter(due_on__lt=clock.today(), state=State.IN_REVIEW)
    if wanted.mine:
        cases = cases.filter(assigned_to=user)
    if wanted.caseworker:
        cases = cases.filter(assigned_to_id=wanted.caseworker)
    return cases.order_by(F("due_on").asc(nulls_last=True), "submitted_at", "pk")


class QueueLine(NamedTuple):
    """A line of the queue's first page as read: the entry's columns, without a model object (making
    51 of them was a sixth of the page). Reads as a `QueueEntry` does, `pk` included."""

    application_id: int
    reference: str
    agency_id: int
    service_code: str
    service_name_ar: str
    service_name_en: str
    state: str
    due_on: dt.date | None
    due_sort: dt.date
    submitted_at: dt.datetime
    assignee_id: int | None
    assignee_name_ar: str
    assignee_name_en: str

    @property
    def pk(self) -> int:
        return self.application_id


@dataclass(frozen=True)
class QueuePage:
    membership: StaffMembership
    cases: Sequence[QueueEntry | QueueLine]
    after: str  # the cursor of the next page ("" on the last one)


def queue_page(user: User, wanted: QueueFilter, after: str = "", size: int = 50) -> QueuePage:
    """A page of the queue, by keyset on (due date, submitted, id): `after` is the cursor the previous
    page gave. Cases without a due date come last. One query on the queue's rows, whose range starts
    at the cursor in the index, so a deep page costs what the first one does."""
    membership = membership_of(user)
    if wanted.state and wanted.state not in WORKABLE:
        return _closed_page(user, wanted, membership, after, size)
    if not after and wanted == QueueFilter():
        return _first_page(membership, size)
    entries = _entries(user, wanted, membership)
    if after:
        due, submitted, pk = _queue_cursor(after)
        day = due or NO_DUE_DATE
        later = Q(submitted_at__gt=submitted) | Q(submitted_at=submitted, application_id__gt=pk)
        entries = entries.filter(Q(due_sort__gt=day) | later, due_sort__gte=day)
    rows = list(entries[: size + 1])
    last = rows[size - 1] if len(rows) > size else None
    cursor = _queue_cursor_of(last.due_on, last.submitted_at, last.pk) if last else ""
    return QueuePage(membership, rows[:size], cursor)


QUEUE_FIELDS = all_columns(QueueEntry)  # a QueueLine's fields, in order (tested)
_FIRST_PAGES: dict[int, CompiledRead] = {}


def _first_page(membership: StaffMembership, size: int) -> QueuePage:
    """The page a caseworker opens most: the agency's whole queue from its start, read by a query
    compiled once per page size (core.compiled) and equal to `_entries`'s without a filter."""
    read = _FIRST_PAGES.get(size)
    if read is None:
        read = _FIRST_PAGES[size] = CompiledRead(
            QueueEntry,
            lambda agency_id: _entries_of_agency(agency_id).values_list(*QUEUE_FIELDS)[: size + 1],
            1,
            numbers=(0,),
        )
    rows = [QueueLine(*row) for row in read.rows(membership.agency_id)]
    last = rows[size - 1] if len(rows) > size else None
    cursor = _queue_cursor_of(last.due_on, last.submitted_at, last.pk) if last else ""
    return QueuePage(membership, rows[:size], cursor)


def _closed_page(
    user: User, wanted: QueueFilter, membership: StaffMembership, after: str, size: int
) -> QueuePage:
    cases = _closed_cases(user, wanted, membership)
    if not after:
        rows = list(cases[: size + 1])
    else:
        due, submitted, pk = _queue_cursor(after)
        later = Q(submitted_at__gt=submitted) | Q(submitted_at=submitted, pk__gt=pk)
        if due is None:
            rows = list(cases.filter(later, due_on__isnull=True)[: size + 1])
        else:
            rows = list(cases.filter(Q(due_on__gt=due) | later, due_on__gte=due)[: size + 1])
            if len(rows) <= size:  # the dated cases ran out: the undated ones follow
                rows += cases.filter(due_on__isnull=True)[: size + 1 - len(rows)]
    last = rows[size - 1] if len(rows) > size else None
    cursor = _queue_cursor_of(last.due_on, last.submitted_at, last.pk) if last else ""
    return QueuePage(membership, [queue.entry_of(c) for c in rows[:size]], cursor)


def queue_cases(
    user: User, wanted: QueueFilter, after: str = "", size: int = 50
) -> tuple[list[Application], str]:
    """The queue's page as applications, in its order (the API answers with their summaries)."""
    page = queue_page(user, wanted, after, size)
    found = Application.objects.select_related("service").in_bulk([e.pk for e in page.cases])
    return [found[e.pk] for e in page.cases if e.pk in found], page.after


def _queue_cursor_of(due_on: dt.date | None, submitted_at: dt.datetime | None, pk: int) -> str:
    submitted = submitted_at.isoformat() if submitted_at else ""
    return f"{due_on.isoformat() if due_on else ''}~{submitted}~{pk}"


def _queue_cursor(text: str) -> tuple[dt.date | None, dt.datetime, int]:
    due, _, rest = text.partition("~")
    try:
        day = dt.date.fromisoformat(due) if due else None
    except ValueError as e:
        raise BadInput("page.cursor_invalid") from e
    moment, number = reading.parse_cursor(rest)
    return day, moment, number


def case_for(user: User, reference: str, action: str = Action.REVIEW) -> Application:
    """The case, if `mandates.authorize` lets this caseworker at it (staff of the service's agency);
    another agency's case answers NotFound, as if it did not exist."""
    case = (
        Application.objects.filter(reference=reference)
        .exclude(state=State.DRAFT)
        .select_related("service", "version", "applicant", "assigned_to")
        .first()
    )
    if case is None:
        raise NotFound("application.not_found")
    mandates.authorize(user, case.subject_civil_id, case.service, action)
    return case


class PurposeRequired(Exception):
    """The case is another caseworker's: the reader must say why they open it."""

    def __init__(self, reference: str) -> None:
        super().__init__(reference)
        self.reference = reference


def _outside(user: User, case: Application, purpose: str) -> bool:
    """Whether the case is another caseworker's; then a purpose must have been given."""
    outside = case.assigned_to_id not in (None, user.pk)
    if outside and not purpose.strip():
        raise PurposeRequired(case.reference)
    return outside


def _read(user: User, case: Application, what: str, purpose: str, address: str) -> None:
    """Record the read in the audit log; someone else's case needs a purpose first."""
    outside = _outside(user, case, purpose)
    audit.record_read(
        user,
        case.subject_civil_id,
        agency_id=case.agency_id,
        application_reference=case.reference,
        data=what,
        purpose=purpose if outside else "",
        address=address,
    )


def open_case(user: User, reference: str, purpose: str = "", address: str = "") -> Application:
    """A caseworker opens a case of their agency: the read goes to the applicant's access log."""
    case = case_for(user, reference)
    _read(user, case, "application", purpose, address)
    return case


def open_attachment(
    user: User, reference: str, attachment_id: int, purpose: str = "", address: str = ""
) -> Attachment:
    """A caseworker downloads an attachment of a case of their agency (recorded like a case read)."""
    case = case_for(user, reference)
    _outside(user, case, purpose)  # asked before saying whether the attachment exists
    stored = reading.attachment_for(case, attachment_id)
    _read(user, case, "attachment", purpose, address)
    return stored


def _locked(user: User, reference: str) -> Application:
    case = case_for(user, reference, Action.DECIDE)
    # of=("self",): lock the case only, not its agency's row (that would queue all of an agency's decisions)
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("agency", "version")
        .get(pk=case.pk)
    )


def take(user: User, reference: str) -> Application:
    with transaction.atomic():
        case = _locked(user, reference)
        if case.assigned_to_id not in (None, user.pk):
            raise AlreadyTaken()
        if case.state not in WORKABLE:
            raise BadInput("application.illegal_transition", current=case.state, target="taken")
        if case.assigned_to_id is None:
            assigning.assign(case, user)
    return case


def _assigned(user: User, reference: str) -> Application:
    case = _locked(user, reference)
    if case.assigned_to_id is None:
        raise BadInput("application.not_assigned")
    if case.assigned_to_id != user.pk:
        raise AlreadyTaken()
    return case


def request_information(user: User, reference: str, message: str, document_code: str = "") -> Application:
    if not message.strip():
        raise BadInput("application.message_required")
    with transaction.atomic():
        case = _assigned(user, reference)
        InfoRequest.objects.create(
            application=case,
            message=message.strip(),
            document_code=document_code.strip()[:60],
            requested_by=user,
        )
        moving.transition(case, State.ACTION_NEEDED, user, HistoryEvent.Kind.INFO_REQUESTED, message.strip())
    return case


def approve(user: User, reference: str, note: str = "") -> Application:
    with transaction.atomic():
        case = _assigned(user, reference)
        deciding.approve(case, user, note.strip())
    return case


def reject(user: User, reference: str, reason: str) -> Application:
    if not reason.strip():
        raise BadInput("application.reason_required")
    with transaction.atomic():
        case = _assigned(user, reference)
        deciding.reject(case, user, reason)
    return case


# --- Supervising the team: each caseworker's load, and giving a case to another --------------------

SUPERVISING = (StaffMembership.Role.SUPERVISOR, StaffMembership.Role.AGENCY_ADMIN)
WORKING = (StaffMembership.Role.CASEWORKER, StaffMembership.Role.SUPERVISOR)  # who may be given cases


def _supervisor(user: User) -> StaffMembership:
    membership = membership_of(user)
    if membership.role not in SUPERVISING:
        raise NotFound("page.not_found")  # a caseworker has no team page
    return membership


@dataclass(frozen=True)
class Load:
    """One caseworker's open cases, and how many of them are past their service-level due date."""

    user_id: int | None  # None: the cases nobody took yet
    name_ar: str
    name_en: str
    role: str  # "" for someone no longer on the staff who still holds cases
    open: int
    overdue: int


@dataclass(frozen=True)
class TeamLoad:
    membership: StaffMembership
    loads: list[Load]  # the team by name, then anyone else holding cases, then the cases nobody took


def team_load(user: User) -> TeamLoad:
    """The supervisor's team with each member's open and overdue cases. Two queries whatever the
    team's size: the members, and the queue's rows counted by caseworker (index queue_by_assignee)."""
    membership = _supervisor(user)
    members = list(
        StaffMembership.objects.filter(agency_id=membership.agency_id, role__in=WORKING)
        .select_related("user")
        .order_by("user__name_en", "pk")
    )
    late = Q(due_sort__lt=clock.today(), state=State.IN_REVIEW)  # as the queue's "overdue only"
    counted = (
        QueueEntry.objects.filter(agency_id=membership.agency_id)
        .values("assignee_id", "assignee_name_ar", "assignee_name_en")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=late))
        .order_by()
    )
    by_worker: dict[int | None, dict[str, Any]] = {row["assignee_id"]: dict(row) for row in counted}
    loads = [
        Load(m.user_id, m.user.name_ar, m.user.name_en, m.role, *_counts(by_worker.pop(m.user_id, None)))
        for m in members
    ]
    nobody = by_worker.pop(None, None)
    loads += [  # removed from the staff, their cases still with them until given to someone else
        Load(row["assignee_id"], row["assignee_name_ar"], row["assignee_name_en"], "", *_counts(row))
        for row in sorted(by_worker.values(), key=lambda r: r["assignee_name_en"])
    ]
    loads.append(Load(None, "", "", "", *_counts(nobody)))
    return TeamLoad(membership, loads)


def _counts(row: dict[str, Any] | None) -> tuple[int, int]:
    return (int(row["open"]), int(row["overdue"])) if row else (0, 0)


def reassignable(user: User) -> list[StaffMembership]:
    """Whom a supervisor may give a case to (the agency's caseworkers and supervisors); nobody, and no
    query, for a caseworker."""
    membership = kept.membership_of(user)
    if membership is None or membership.role not in SUPERVISING:
        return []
    found = StaffMembership.objects.filter(agency_id=membership.agency_id, role__in=WORKING)
    return list(found.select_related("user").order_by("user__name_en", "pk"))


def reassign(user: User, reference: str, caseworker_id: int) -> Application:
    """A supervisor (or the agency's administrator) gives an open case to a caseworker of the agency,
    whoever held it. Another agency's case answers NotFound; someone outside the agency's caseworkers
    is a bad input and changes nothing."""
    membership = _supervisor(user)
    with transaction.atomic():
        case = _locked(user, reference)
        if case.state not in WORKABLE:
            raise BadInput("application.illegal_transition", current=case.state, target="reassigned")
        target = (
            StaffMembership.objects.filter(
                agency_id=membership.agency_id, user_id=caseworker_id, role__in=WORKING
            )
            .select_related("user")
            .first()
        )
        if target is None:
            raise BadInput("case.caseworker_unknown")
        if case.assigned_to_id != target.user_id:
            assigning.assign(case, target.user, by=user)
    return case
