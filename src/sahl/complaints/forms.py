"""Reading a report from the filing form: the place (typed, from the device, or from the photo when
the person agrees), the photos and the voice note checked and cleaned before anything is stored.

Cheap first (ADR 0025): `submitted` checks the counts, the sizes, the topic, the description, every
photo's header and the place, and decodes nothing; `report_of` then decodes the photos and reads
the voice note. A wrong field never costs a decode."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict

from sahl.complaints import geo, rules
from sahl.complaints.filing import Report, check_fields
from sahl.core.errors import BadInput

if TYPE_CHECKING:  # media reads images and audio: imported when a file comes
    from sahl.complaints.media import Inspected, Photo


@dataclass(frozen=True)
class Submitted:
    """A filing form whose every cheap check passed: its report without media yet, the photos
    inspected (not decoded) and the voice note as sent."""

    report: Report
    photos: Sequence[Inspected]
    voice: UploadedFile | None


def photo(upload: UploadedFile) -> Photo:
    from sahl.complaints import media

    return media.check_photo(upload)  # reads at most its limit; refuses in both languages


def submitted(data: Mapping[str, Any], files: MultiValueDict[str, UploadedFile]) -> Submitted:
    from sahl.complaints import media

    uploads = [u for u in files.getlist("photos") if u.size]
    if len(uploads) > rules.MAX_PHOTOS:
        raise BadInput("complaint.too_many_photos", limit=rules.MAX_PHOTOS)
    if any((u.size or 0) > media.PHOTO_MAX_BYTES for u in uploads):
        raise media.MediaRefused("complaint.photo_too_large")
    recorded = files.get("voice")
    voice = recorded if isinstance(recorded, UploadedFile) and recorded.size else None
    if voice is not None and (voice.size or 0) > media.VOICE_MAX_BYTES:
        raise media.MediaRefused("complaint.voice_too_large")
    topic_code, description = str(data.get("topic", "")), str(data.get("description", ""))
    check_fields(topic_code, description)
    lat_text, lon_text = str(data.get("latitude", "")).strip(), str(data.get("longitude", "")).strip()
    from_photo = not lat_text and not lon_text and bool(data.get("use_photo_location"))
    point = None if from_photo else geo.parse_coordinates(lat_text, lon_text)
    photos = [media.inspect_photo(u) for u in uploads]  # headers only: no pixel yet
    if point is None:
        point = next((p.gps for p in photos if p.gps is not None), None)
        if point is None:
            raise BadInput("complaint.no_photo_location")
    latitude, longitude = point
    place = geo.resolve(latitude, longitude)
    report = Report(
        topic_code=topic_code,
        description=description,
        latitude=latitude,
        longitude=longitude,
        governorate=place.governorate,
        area=place.area or "",
    )
    return Submitted(report, photos, voice)


def report_of(form: Submitted) -> Report:
    """The report with its photos decoded and cleaned and its voice note checked: the costly part,
    after every cheap check."""
    from sahl.complaints import media

    voice = media.check_voice(form.voice) if form.voice is not None else None
    return replace(form.report, photos=[media.clean_photo(p) for p in form.photos], voice=voice)


def stars(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise BadInput("complaint.rating") from None
