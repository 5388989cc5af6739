"""Reading complaints: the reporter's list and a complaint's page (for its reporter and followers),
the agency's queue and a case's page (for its staff), and a complaint's photos and voice notes."""

from __future__ import annotations

from dataclasses import dataclass

from sahl.complaints import rules
from sahl.complaints.models import Complaint, Event, Media
from sahl.complaints.steps import today
from sahl.core.errors import NotFound
from sahl.identity import kept
from sahl.identity.models import StaffMembership, User

State = Complaint.State


def mine(user: User, limit: int = 200) -> list[Complaint]:
    """The person's own reports, newest first."""
    found = Complaint.objects.filter(reporter=user).select_related("topic", "agency").order_by("-created_at")
    return list(found[:limit])


def complaint_for(user: User, reference: str) -> Complaint:
    """The reporter's or a follower's complaint; anyone else's answers NotFound."""
    found = (
        Complaint.objects.filter(reference=reference).select_related("topic", "agency", "reporter").first()
    )
    if found is None or (found.reporter_id != user.pk and not found.followers.filter(user=user).exists()):
        raise NotFound("complaint.not_found")
    return found


@dataclass(frozen=True)
class ComplaintPage:
    complaint: Complaint
    events: list[Event]
    media: list[Media]  # the reporter's only: a follower does not see the reporter's photos
    is_reporter: bool
    can_answer: bool
    can_reopen: bool
    can_rate: bool
    question: Event | None


def complaint_page(user: User, reference: str) -> ComplaintPage:
    complaint = complaint_for(user, reference)
    events = list(complaint.events.select_related("actor", "agency"))
    is_reporter = complaint.reporter_id == user.pk
    questions = [e for e in events if e.kind == Event.Kind.QUESTION]
    return ComplaintPage(
        complaint,
        events,
        list(complaint.media.order_by("pk")) if is_reporter else [],
        is_reporter,
        is_reporter and complaint.state == State.WAITING_FOR_REPORTER,
        is_reporter and complaint.state == State.RESOLVED and not complaint.reopened,
        is_reporter and complaint.state == State.RESOLVED,
        questions[-1] if questions and complaint.state == State.WAITING_FOR_REPORTER else None,
    )


def staff_agency(user: User) -> StaffMembership:
    """The caseworker's membership; a page of the agency's is not found for anyone else."""
    membership = kept.membership_of(user)  # kept with the logged-in user: no query (ADR 0044)
    if membership is None:
        raise NotFound("page.not_found")
    return membership


def queue(user: User, limit: int = 200) -> list[Complaint]:
    """The agency's open complaints, the nearest deadline first."""
    membership = staff_agency(user)
    found = (
        Complaint.objects.filter(agency=membership.agency, state__in=rules.OPEN)
        .select_related("topic")
        .order_by("due_on", "created_at")
    )
    return list(found[:limit])


@dataclass(frozen=True)
class CasePage:
    complaint: Complaint
    events: list[Event]
    media: list[Media]
    overdue: bool


def case_page(staff: User, reference: str) -> CasePage:
    membership = staff_agency(staff)
    complaint = (
        Complaint.objects.select_related("topic", "agency")
        .filter(reference=reference, agency=membership.agency)
        .first()
    )
    if complaint is None:
        raise NotFound("complaint.not_found")
    return CasePage(
        complaint,
        list(complaint.events.select_related("actor", "agency")),
        list(complaint.media.order_by("pk")),
        rules.overdue(complaint.due_on, today(), complaint.state, complaint.paused_since is not None),
    )


def media_for(user: User, reference: str, media_id: int) -> Media:
    """A photo or voice note: for the reporter, or staff of the agency that has the report."""
    complaint = Complaint.objects.filter(reference=reference).first()
    membership = kept.membership_of(user)
    allowed = complaint is not None and (
        complaint.reporter_id == user.pk
        or (membership is not None and membership.agency_id == complaint.agency_id)
    )
    found = complaint.media.filter(pk=media_id).first() if complaint is not None and allowed else None
    if found is None:
        raise NotFound("document.not_found")
    return found
