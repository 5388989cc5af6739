"""Use cases of complaints: loading the topics and routing rules (data), filing with location and
media, joining a nearby open complaint instead of filing a duplicate, and the agency's handling
(acknowledge, ask, forward, resolve), the reporter's reopening and rating, escalation of overdue
complaints. Each public function is one transaction; every step is an Event and a message."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sahl.catalogue.models import Agency
from sahl.complaints import rules
from sahl.complaints.models import Complaint, Event, Follower, Media, RoutingRule, Topic
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput, NotFound
from sahl.core.working_days import add_working_days, kuwait_holidays
from sahl.events.services import announce
from sahl.events.types import ComplaintMoved
from sahl.identity.models import StaffMembership, User

DEFINITIONS = Path(__file__).parent / "definitions"
UNKNOWN = "unknown"  # "I do not know which agency": the routing rules decide
State = Complaint.State
Kind = Event.Kind


def today() -> dt.date:
    return timezone.localdate()


# --- Topics and routing rules (data) ------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    topics: int
    rules: int


@transaction.atomic
def load(directory: Path = DEFINITIONS) -> Loaded:
    """Load topics.yaml and routing.yaml (idempotent): topics are updated in place by code, the
    routing table is replaced as a whole. Every agency gets a "quality of service" topic."""
    agencies = {a.code: a for a in Agency.objects.all()}
    if not agencies:
        raise BadInput("complaint.no_catalogue")
    tree = yaml.safe_load((directory / "topics.yaml").read_text(encoding="utf-8"))
    position = 0
    for group in tree:
        position += 1
        parent = _topic(group["code"], group["name"], None, None, position)
        for leaf in group["children"]:
            position += 1
            _topic(leaf["code"], leaf["name"], parent, agencies[leaf["agency"]], position, leaf)
    position += 1
    services = _topic(
        "government-services",
        {"ar": "خدمات الجهات الحكومية", "en": "Government services"},
        None,
        None,
        position,
    )
    for agency in agencies.values():
        position += 1
        name = {"ar": f"جودة الخدمة في {agency.name_ar}", "en": f"Quality of service: {agency.name_en}"}
        _topic(f"service-quality-{agency.code}", name, services, agency, position, {"working_days": 10})
    _topic(UNKNOWN, {"ar": "لا أعرف الجهة المختصة", "en": "I do not know which agency"}, None, None, 9999)
    rows = yaml.safe_load((directory / "routing.yaml").read_text(encoding="utf-8"))
    RoutingRule.objects.all().delete()
    topics = {t.code: t for t in Topic.objects.all()}
    for row in rows:
        unit = row.get("unit", {})
        RoutingRule.objects.create(
            position=row["position"],
            topic=topics[row["topic"]] if row.get("topic") else None,
            governorate=row.get("governorate", "") or "",
            area=row.get("area", "") or "",
            keywords=", ".join(row.get("keywords", [])),
            agency=agencies[row["agency"]],
            unit_ar=unit.get("ar", ""),
            unit_en=unit.get("en", ""),
            topic_to=topics[row["topic_to"]] if row.get("topic_to") else None,
        )
    return Loaded(Topic.objects.count(), len(rows))


def _topic(
    code: str,
    name: dict[str, str],
    parent: Topic | None,
    agency: Agency | None,
    position: int,
    extra: dict[str, Any] | None = None,
) -> Topic:
    extra = extra or {}
    unit = extra.get("unit", {})
    topic, _ = Topic.objects.update_or_create(
        code=code,
        defaults={
            "parent": parent,
            "name_ar": name["ar"],
            "name_en": name["en"],
            "agency": agency,
            "unit_ar": unit.get("ar", ""),
            "unit_en": unit.get("en", ""),
            "working_days": extra.get("working_days", 5),
            "resolution_photo": bool(extra.get("resolution_photo", False)),
            "position": position,
            "active": True,
        },
    )
    return topic


def topic_tree() -> list[tuple[Topic, list[Topic]]]:
    """The groups and their leaves, for the form (two queries)."""
    topics = list(Topic.objects.filter(active=True).select_related("agency"))
    children: dict[int, list[Topic]] = {}
    for topic in topics:
        if topic.parent_id:
            children.setdefault(topic.parent_id, []).append(topic)
    return [(t, children.get(t.pk, [])) for t in topics if t.parent_id is None]


def _routing_rules() -> list[rules.Rule]:
    return [
        rules.Rule(
            position=r.position,
            agency=r.agency.code,
            topic=r.topic.code if r.topic else "",
            governorate=r.governorate,
            area=r.area,
            keywords=rules.keywords_of(r.keywords),
            unit_ar=r.unit_ar,
            unit_en=r.unit_en,
            topic_to=r.topic_to.code if r.topic_to else "",
        )
        for r in RoutingRule.objects.select_related("agency", "topic", "topic_to")
    ]


@dataclass(frozen=True)
class Destination:
    topic: Topic
    agency: Agency
    unit: BilingualText | None


def destination(topic: Topic, governorate: str, area: str, text: str) -> Destination:
    """Where a complaint goes: the first routing rule that matches, else the topic's agency."""
    found = rules.route(_routing_rules(), rules.Case(topic.code, governorate, area, text))
    if found is None:
        if topic.agency is None:  # "unknown" with no rule at all: the data must have a catch-all
            raise BadInput("complaint.topic_unknown")
        unit = BilingualText(topic.unit_ar, topic.unit_en) if topic.unit_ar else None
        return Destination(topic, topic.agency, unit)
    target = Topic.objects.get(code=found.topic_to) if found.topic_to else topic
    unit_ar, unit_en = (found.unit_ar, found.unit_en) if found.unit_ar else (target.unit_ar, target.unit_en)
    return Destination(
        target, Agency.objects.get(code=found.agency), BilingualText(unit_ar, unit_en) if unit_ar else None
    )


# --- Filing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """What a person reports, as checked by the view: the place resolved, the media cleaned."""

    topic_code: str
    description: str
    latitude: float
    longitude: float
    governorate: str
    area: str
    photos: Sequence[Any] = ()  # complaints.media.Photo
    voice: Any | None = None  # complaints.media.Voice


def leaf_topic(code: str) -> Topic:
    topic = Topic.objects.select_related("agency").filter(code=code, active=True).first()
    if topic is None or (topic.agency_id is None and topic.code != UNKNOWN):
        raise BadInput("complaint.topic_unknown")
    return topic


@dataclass(frozen=True)
class Contact:
    """How an Open311 client says the reporter can be reached (personal data: never shown publicly)."""

    name: str = ""
    email: str = ""
    phone: str = ""


def file(
    reporter: User | None, report: Report, *, source: str = "portal", contact: Contact | None = None
) -> Complaint:
    """File a complaint: routed, with its deadline, its media and its first events. `reporter` is
    the logged-in person; an Open311 client files with `source` and the `contact` it was given."""
    if reporter is None and source == "portal":
        raise BadInput("complaint.reporter_required")
    description = report.description.strip()
    if not 10 <= len(description) <= 2000:
        raise BadInput("complaint.description")
    if len(report.photos) > rules.MAX_PHOTOS:
        raise BadInput("complaint.too_many_photos", limit=rules.MAX_PHOTOS)
    topic = leaf_topic(report.topic_code)
    with transaction.atomic():
        where = destination(topic, report.governorate, report.area, description)
        complaint = Complaint.objects.create(
            reference=f"tmp-{uuid.uuid4().hex[:16]}",
            topic=where.topic,
            agency=where.agency,
            unit_ar=where.unit.ar if where.unit else "",
            unit_en=where.unit.en if where.unit else "",
            reporter=reporter,
            source=source[:40],
            contact_name=(contact.name if contact else "")[:200],
            contact_email=(contact.email if contact else "")[:200],
            contact_phone=(contact.phone if contact else "")[:30],
            description=description,
            latitude=Decimal(f"{report.latitude:.6f}"),
            longitude=Decimal(f"{report.longitude:.6f}"),
            governorate=report.governorate,
            area=report.area,
            due_on=rules.due_on(today(), where.topic.working_days, kuwait_holidays()),
        )
        complaint.reference = f"C-{complaint.created_at.year}-{complaint.pk:07d}"
        complaint.save(update_fields=["reference"])
        for photo in report.photos:
            _store(complaint, Media.Kind.PHOTO, photo.content, photo.content_type, photo.extension)
        if report.voice is not None:
            voice = report.voice
            _store(
                complaint,
                Media.Kind.VOICE,
                voice.content,
                voice.content_type,
                voice.extension,
                voice.duration_seconds,
            )
        _event(complaint, Kind.FILED, reporter)
        note = f"{where.agency.name_ar} | {where.agency.name_en}"
        _event(complaint, Kind.ROUTED, None, note, agency=where.agency)
    return complaint


def _store(
    complaint: Complaint,
    kind: str,
    content: bytes,
    content_type: str,
    extension: str,
    duration: float | None = None,
) -> Media:
    media = Media(
        complaint=complaint,
        kind=kind,
        content_type=content_type,
        extension=extension,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        duration_seconds=round(duration) if duration is not None else None,
    )
    media.file.save("upload", ContentFile(content), save=False)
    media.save()
    return media


def _event(
    complaint: Complaint, kind: str, actor: User | None, note: str = "", agency: Agency | None = None
) -> Event:
    """A step in the report's history, announced: notifications tells the people concerned."""
    event = Event.objects.create(complaint=complaint, kind=kind, actor=actor, note=note, agency=agency)
    announce(
        ComplaintMoved(
            complaint_id=complaint.pk,
            reference=complaint.reference,
            step_id=event.pk,
            kind=kind,
            actor_id=actor.pk if actor else None,
        )
    )
    return event


def nearby_open(topic_code: str, latitude: float, longitude: float) -> list[Complaint]:
    """Open complaints of the same topic within the duplicate radius, filed recently, nearest first:
    the person may join one of them instead of filing a duplicate (never merged silently)."""
    from sahl.complaints import geo

    box = geo.bounding_box(latitude, longitude, rules.DUPLICATE_RADIUS_M)
    since = timezone.now() - dt.timedelta(days=rules.DUPLICATE_DAYS)
    candidates = (
        Complaint.objects.filter(
            topic__code=topic_code,
            state__in=rules.OPEN,
            created_at__gte=since,
            latitude__range=(box[0], box[1]),
            longitude__range=(box[2], box[3]),
        )
        .select_related("topic", "agency")
        .order_by("-created_at")[:500]
    )
    here = (latitude, longitude)
    close = [(geo.distance_m(here, (float(c.latitude), float(c.longitude))), c) for c in candidates]
    return [c for d, c in sorted(close, key=lambda pair: pair[0]) if d <= rules.DUPLICATE_RADIUS_M]


def join(user: User, reference: str) -> Complaint:
    """Follow an open complaint instead of filing the same one again; they hear what happens."""
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update().filter(reference=reference, state__in=rules.OPEN).first()
        )
        if complaint is None:
            raise NotFound("complaint.not_found")
        if complaint.reporter_id != user.pk:
            _, created = Follower.objects.get_or_create(complaint=complaint, user=user)
            if created:
                _event(complaint, Kind.JOINED, user)
    return complaint


# --- The reporter's view --------------------------------------------------------------------------


def mine(user: User) -> QuerySet[Complaint]:
    return Complaint.objects.filter(reporter=user).select_related("topic", "agency").order_by("-created_at")


def complaint_for(user: User, reference: str) -> Complaint:
    """The reporter's or a follower's complaint; anyone else's answers NotFound."""
    found = (
        Complaint.objects.filter(reference=reference).select_related("topic", "agency", "reporter").first()
    )
    if found is None or (found.reporter_id != user.pk and not found.followers.filter(user=user).exists()):
        raise NotFound("complaint.not_found")
    return found


# --- Handling by the agency -----------------------------------------------------------------------


def _staff_agency(user: User) -> StaffMembership:
    membership = StaffMembership.objects.select_related("agency").filter(user=user).first()
    if membership is None:
        raise NotFound("page.not_found")
    return membership


def queue(user: User) -> QuerySet[Complaint]:
    membership = _staff_agency(user)
    return (
        Complaint.objects.filter(agency=membership.agency, state__in=rules.OPEN)
        .select_related("topic")
        .order_by("due_on", "created_at")
    )


def _locked_case(user: User, reference: str) -> Complaint:
    membership = _staff_agency(user)
    found = (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("topic", "agency")
        .filter(reference=reference, agency=membership.agency)
        .first()
    )
    if found is None:  # another agency's complaint does not exist for this caseworker
        raise NotFound("complaint.not_found")
    return found


def _move(complaint: Complaint, target: str) -> None:
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


def acknowledge(staff: User, reference: str) -> Complaint:
    with transaction.atomic():
        complaint = _locked_case(staff, reference)
        _move(complaint, State.ACKNOWLEDGED)
        complaint.save()
        _event(complaint, Kind.ACKNOWLEDGED, staff, agency=complaint.agency)
    return complaint


def ask(staff: User, reference: str, question: str) -> Complaint:
    if not question.strip():
        raise BadInput("complaint.question_required")
    with transaction.atomic():
        complaint = _locked_case(staff, reference)
        _move(complaint, State.WAITING_FOR_REPORTER)
        complaint.save()
        _event(complaint, Kind.QUESTION, staff, question.strip(), agency=complaint.agency)
    return complaint


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
        _event(complaint, Kind.ANSWER, reporter, text.strip())
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
        _event(complaint, Kind.FORWARDED, staff, reason.strip(), agency=target)
    return complaint


def resolve(staff: User, reference: str, note: str, photo: Any | None = None) -> Complaint:
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
            _store(complaint, Media.Kind.RESOLUTION, photo.content, photo.content_type, photo.extension)
        _event(complaint, Kind.RESOLVED, staff, note.strip(), agency=complaint.agency)
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
        _event(complaint, Kind.REOPENED, reporter, reason.strip())
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
        _event(complaint, Kind.RATED, reporter, f"{stars}/5 {comment.strip()}".strip())
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
            _event(complaint, Kind.ESCALATED, None, agency=complaint.agency)
            count += 1
    return count


# --- Pages ----------------------------------------------------------------------------------------


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
    questions = [e for e in events if e.kind == Kind.QUESTION]
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


@dataclass(frozen=True)
class CasePage:
    complaint: Complaint
    events: list[Event]
    media: list[Media]
    overdue: bool


def case_page(staff: User, reference: str) -> CasePage:
    membership = _staff_agency(staff)
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
    membership = StaffMembership.objects.filter(user=user).first()
    allowed = complaint is not None and (
        complaint.reporter_id == user.pk
        or (membership is not None and membership.agency_id == complaint.agency_id)
    )
    found = complaint.media.filter(pk=media_id).first() if complaint is not None and allowed else None
    if found is None:
        raise NotFound("document.not_found")
    return found


def agencies() -> list[Agency]:
    return list(Agency.objects.order_by("position"))


@dataclass(frozen=True)
class AgencyFigures:
    agency: Agency
    filed: int
    resolved: int
    within_deadline: int  # resolved on or before the due date
    median_days: float | None  # from filing to resolution

    @property
    def share_within_deadline(self) -> int | None:
        return round(100 * self.within_deadline / self.resolved) if self.resolved else None


@dataclass(frozen=True)
class Statistics:
    total: int
    by_governorate: list[tuple[str, int]]
    by_area: list[tuple[str, str, int]]  # governorate, area code, count
    by_topic: list[tuple[Topic, int]]
    by_agency: list[AgencyFigures]


def statistics() -> Statistics:
    """Counts for the public page: no personal data, only places, topics and agencies."""
    from statistics import median

    from django.db.models import Count

    rows = Complaint.objects.all()
    by_governorate = list(rows.values_list("governorate").annotate(n=Count("pk")).order_by("-n"))
    by_area = [
        (g, a, n)
        for g, a, n in rows.exclude(area="")
        .values_list("governorate", "area")
        .annotate(n=Count("pk"))
        .order_by("-n")[:50]
    ]
    topics = {t.pk: t for t in Topic.objects.all()}
    by_topic = [(topics[t], n) for t, n in rows.values_list("topic").annotate(n=Count("pk")).order_by("-n")]
    resolved = rows.filter(resolved_at__isnull=False).values_list(
        "agency", "created_at", "resolved_at", "due_on"
    )
    per_agency: dict[int, list[tuple[float, bool]]] = {}
    for agency_id, created, resolved_at, due in resolved:
        assert resolved_at is not None  # filtered above
        days = (resolved_at - created).total_seconds() / 86400
        per_agency.setdefault(agency_id, []).append((days, timezone.localdate(resolved_at) <= due))
    filed = dict(rows.values_list("agency").annotate(n=Count("pk")))
    figures = []
    for agency in Agency.objects.filter(pk__in=filed).order_by("position"):
        times = per_agency.get(agency.pk, [])
        figures.append(
            AgencyFigures(
                agency,
                filed[agency.pk],
                len(times),
                sum(1 for _, on_time in times if on_time),
                round(median(d for d, _ in times), 1) if times else None,
            )
        )
    return Statistics(rows.count(), by_governorate, by_area, by_topic, figures)
