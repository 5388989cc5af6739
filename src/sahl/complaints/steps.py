"""The steps of a complaint's history, shared by filing and handling: each step is recorded and
announced (notifications tells the people concerned), and a photo or voice note is stored with its
digest."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from sahl.catalogue.models import Agency
from sahl.complaints.models import Complaint, Event, Media
from sahl.events.services import announce
from sahl.events.types import ComplaintMoved
from sahl.identity.models import User


def today() -> dt.date:
    return timezone.localdate()


def record(
    complaint: Complaint, kind: str, actor: User | None, note: str = "", agency: Agency | None = None
) -> Event:
    """A step in the report's history, announced in the same transaction."""
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


def store(
    complaint: Complaint,
    kind: str,
    content: bytes,
    content_type: str,
    extension: str,
    duration: float | None = None,
) -> Media:
    """A cleaned photo or voice note, kept with its size and SHA-256."""
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
