"""Filing a complaint: with its place, photos and voice note, routed to its agency with a deadline;
or, when the same problem is already reported nearby, joining that report instead of filing a
duplicate (the person chooses; reports are never merged silently)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from sahl.complaints import rules
from sahl.complaints.models import Complaint, Event, Follower, Media, Topic
from sahl.complaints.steps import record, store, today
from sahl.complaints.topics import destination, leaf_topic
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput, NotFound
from sahl.core.working_days import kuwait_holidays
from sahl.identity.models import User

if TYPE_CHECKING:  # media reads images and audio: imported where a file is checked, not here
    from sahl.complaints.media import Photo, Voice


@dataclass(frozen=True)
class Report:
    """What a person reports, as checked by the view: the place resolved, the media cleaned."""

    topic_code: str
    description: str
    latitude: float
    longitude: float
    governorate: str
    area: str
    photos: Sequence[Photo] = ()
    voice: Voice | None = None


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
    topic = check_fields(report.topic_code, report.description)
    description = report.description.strip()
    if len(report.photos) > rules.MAX_PHOTOS:
        raise BadInput("complaint.too_many_photos", limit=rules.MAX_PHOTOS)
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
            store(complaint, Media.Kind.PHOTO, photo.content, photo.content_type, photo.extension)
        if report.voice is not None:
            voice = report.voice
            store(
                complaint,
                Media.Kind.VOICE,
                voice.content,
                voice.content_type,
                voice.extension,
                voice.duration_seconds,
            )
        record(complaint, Event.Kind.FILED, reporter)
        note = f"{where.agency.name_ar} | {where.agency.name_en}"
        record(complaint, Event.Kind.ROUTED, None, note, agency=where.agency)
    return complaint


def check_fields(topic_code: str, description: str) -> Topic:
    """The topic a report is filed under, if its own fields are right: checked before its photos
    are decoded (a wrong field costs no decoding) and again when it is filed."""
    if not 10 <= len(description.strip()) <= 2000:
        raise BadInput("complaint.description")
    return leaf_topic(topic_code)


@dataclass(frozen=True)
class NearbyReport:
    """An open report offered to join: what it is about, where and when, and nothing the other person
    wrote, said or photographed (their description, voice note and photos stay theirs)."""

    reference: str
    topic: Topic
    place: BilingualText  # the area's name, or the governorate's where the outlines have no area
    filed_on: dt.date


def nearby_open(topic_code: str, latitude: float, longitude: float) -> list[NearbyReport]:
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
        .select_related("topic")
        .only("reference", "topic", "governorate", "area", "latitude", "longitude", "created_at")
        .order_by("-created_at")[:500]
    )
    here = (latitude, longitude)
    close = [(geo.distance_m(here, (float(c.latitude), float(c.longitude))), c) for c in candidates]
    names = {a.code: a.name for a in geo.areas()} | {g.code: g.name for g in geo.governorates()}
    return [
        NearbyReport(
            c.reference, c.topic, names.get(c.area) or names[c.governorate], timezone.localdate(c.created_at)
        )
        for d, c in sorted(close, key=lambda pair: pair[0])
        if d <= rules.DUPLICATE_RADIUS_M
    ]


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
                record(complaint, Event.Kind.JOINED, user)
    return complaint
