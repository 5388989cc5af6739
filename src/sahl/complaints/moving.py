"""Moving a complaint along: the agency's handling (acknowledge, ask the reporter, forward to
another agency, resolve), the reporter's part (answer, reopen once, rate), and the escalation of
overdue complaints. Each is one transaction; every step is recorded and announced."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from sahl.catalogue.models import Agency
from sahl.complaints import rules
from sahl.complaints.models import Complaint, Event, Media
from sahl.complaints.reading import complaint_for, staff_agency
from sahl.complaints.steps import record, store, today
from sahl.core.errors import BadInput, NotFound
from sahl.core.working_days import add_working_days, kuwait_holidays
from sahl.identity.models import User

if TYPE_CHECKING:  # media reads images: imported where a file is checked, not here
    from sahl.complaints.media import Photo

State = Complaint.State
Kind = Event.Kind


def _locked_case(user: User, reference: str, *, lock: bool = True) -> Complaint:
    membership = staff_agency(user)
    cases = Complaint.objects.select_for_update(of=("self",)) if lock else Complaint.objects
    found = (
        cases.select_related("topic", "agency").filter(reference=reference, agency=membership.agency).first()
    )
    if found is None:  # another agency's complaint does not exist for this caseworker
        raise NotFound("complaint.not_found")
    return found


def _move(complaint: Complaint, target: str) -> None:
    """The state moves; waiting for the reporter pauses the deadline, and the pause is added back."""
    rules.check_move(complaint.state, target)
    day = today()
    holidays = kuwait_holidays()
    if target == State.WAITING_FOR_REPORTER:
        complaint.paused_since = day
    elif complaint.paused_since is not None:
        complaint.due_on = add_working_days(
            complaint.due_on, rules.paused_days(complaint.paused_since, day, holidays), holidays
        )
        complaint.paused_since = None
    complaint.state = target


# --- The agency -----------------------------------------------------------------------------------


def acknowledge(staff: User, reference: str) -> Complaint:
    with transaction.atomic():
        complaint = _locked_case(staff, reference)
        _move(complaint, State.ACKNOWLEDGED)
        complaint.save()
        record(complaint, Kind.ACKNOWLEDGED, staff, agency=complaint.agency)
    return complaint


def ask(staff: User, reference: str, question: str) -> Complaint:
    if not question.strip():
        raise BadInput("complaint.question_required")
    with transaction.atomic():
        complaint = _locked_case(staff, reference)
        _move(complaint, State.WAITING_FOR_REPORTER)
        complaint.save()
        record(complaint, Kind.QUESTION, staff, question.strip(), agency=complaint.agency)
    return complaint


def forward(staff: User, reference: str, agency_code: str, reason: str) -> Complaint:
    """Send it to the agency it belongs to, with a reason; the clock restarts there."""
    if not reason.strip():
        raise BadInput("complaint.reason_required")
    target = Agency.objects.filter(code=agency_code).first()
    if target is None:
        raise BadInput("complaint.agency_unknown")
    with transaction.atomic():
        complaint = _locked_case(staff, reference)
        if target.pk == complaint.agency_id:
            raise BadInput("complaint.agency_same")
        _move(complaint, State.RECEIVED)
        complaint.agency, complaint.unit_ar, complaint.unit_en = target, "", ""
        complaint.due_on = rules.due_on(today(), complaint.topic.working_days, kuwait_holidays())
        complaint.escalated_at = None
        complaint.save()
        record(complaint, Kind.FORWARDED, staff, reason.strip(), agency=target)
    return complaint


def check_resolution(staff: User, reference: str, note: str, *, with_photo: bool) -> None:
    """What `resolve` refuses, checked without a lock before the photo of the fix is decoded (ADR
    0025); `resolve` checks it again under the lock."""
    if not note.strip():
        raise BadInput("complaint.resolution_required")
    complaint = _locked_case(staff, reference, lock=False)
    if complaint.topic.resolution_photo and not with_photo:
        raise BadInput("complaint.resolution_photo_required")
    rules.check_move(complaint.state, State.RESOLVED)


def resolve(staff: User, reference: str, note: str, photo: Photo | None = None) -> Complaint:
    if not note.strip():
        raise BadInput("complaint.resolution_required")
    with transaction.atomic():
        complaint = _locked_case(staff, reference)
        if complaint.topic.resolution_photo and photo is None:
            raise BadInput("complaint.resolution_photo_required")
        _move(complaint, State.RESOLVED)
        complaint.resolved_at = timezone.now()
        complaint.save()
        if photo is not None:
            store(complaint, Media.Kind.RESOLUTION, photo.content, photo.content_type, photo.extension)
        record(complaint, Kind.RESOLVED, staff, note.strip(), agency=complaint.agency)
    return complaint


def escalate_overdue() -> int:
    """Overdue open complaints go to a supervisor of their agency (once per deadline)."""
    day = today()
    count = 0
    with transaction.atomic():
        overdue = Complaint.objects.select_for_update().filter(
            state__in=(State.RECEIVED, State.ACKNOWLEDGED), due_on__lt=day, escalated_at__isnull=True
        )
        for complaint in overdue.select_related("topic", "agency"):
            complaint.escalated_at = timezone.now()
            complaint.save(update_fields=["escalated_at", "updated_at"])
            record(complaint, Kind.ESCALATED, None, agency=complaint.agency)
            count += 1
    return count


# --- The reporter ---------------------------------------------------------------------------------


def answer(reporter: User, reference: str, text: str) -> Complaint:
    if not text.strip():
        raise BadInput("complaint.answer_required")
    with transaction.atomic():
        complaint = complaint_for(reporter, reference)
        if complaint.reporter_id != reporter.pk:
            raise NotFound("complaint.not_found")
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        _move(complaint, State.ACKNOWLEDGED)
        complaint.save()
        record(complaint, Kind.ANSWER, reporter, text.strip())
    return complaint


def reopen(reporter: User, reference: str, reason: str) -> Complaint:
    """Once, with a reason: the agency takes it up again with a new deadline."""
    if not reason.strip():
        raise BadInput("complaint.reason_required")
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update().filter(reference=reference, reporter=reporter).first()
        )
        if complaint is None:
            raise NotFound("complaint.not_found")
        if complaint.reopened:
            raise BadInput("complaint.reopened_once")
        _move(complaint, State.ACKNOWLEDGED)
        complaint.reopened, complaint.resolved_at = True, None
        complaint.due_on = rules.due_on(today(), complaint.topic.working_days, kuwait_holidays())
        complaint.save()
        record(complaint, Kind.REOPENED, reporter, reason.strip())
    return complaint


def rate(reporter: User, reference: str, stars: int, comment: str = "") -> Complaint:
    if not rules.rating_is_valid(stars):
        raise BadInput("complaint.rating")
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update().filter(reference=reference, reporter=reporter).first()
        )
        if complaint is None:
            raise NotFound("complaint.not_found")
        _move(complaint, State.CLOSED)
        complaint.rating = stars
        complaint.save()
        record(complaint, Kind.RATED, reporter, f"{stars}/5 {comment.strip()}".strip())
    return complaint
