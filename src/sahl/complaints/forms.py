"""Reading a report from the filing form: the place (typed, from the device, or from the photo when
the person agrees), the photos and the voice note checked and cleaned before anything is stored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.datastructures import MultiValueDict

from sahl.complaints import geo, rules
from sahl.complaints.filing import Report
from sahl.core.errors import BadInput

if TYPE_CHECKING:  # media reads images and audio: imported when a file comes
    from sahl.complaints.media import Photo


def photo(upload: UploadedFile) -> Photo:
    from sahl.complaints import media

    return media.check_photo(upload)  # reads at most its limit; refuses in both languages


def report_from(data: Mapping[str, Any], files: MultiValueDict[str, UploadedFile]) -> Report:
    uploads = [u for u in files.getlist("photos") if u.size]
    if len(uploads) > rules.MAX_PHOTOS:
        raise BadInput("complaint.too_many_photos", limit=rules.MAX_PHOTOS)
    photos = [photo(u) for u in uploads]
    voice = None
    recorded = files.get("voice")
    if isinstance(recorded, UploadedFile) and recorded.size:
        from sahl.complaints import media

        voice = media.check_voice(recorded)
    lat_text, lon_text = str(data.get("latitude", "")).strip(), str(data.get("longitude", "")).strip()
    if not lat_text and not lon_text and data.get("use_photo_location"):
        located = next((p.gps for p in photos if p.gps is not None), None)
        if located is None:
            raise BadInput("complaint.no_photo_location")
        latitude, longitude = located
    else:
        latitude, longitude = geo.parse_coordinates(lat_text, lon_text)
    place = geo.resolve(latitude, longitude)
    return Report(
        topic_code=str(data.get("topic", "")),
        description=str(data.get("description", "")),
        latitude=latitude,
        longitude=longitude,
        governorate=place.governorate,
        area=place.area or "",
        photos=photos,
        voice=voice,
    )


def stars(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise BadInput("complaint.rating") from None
