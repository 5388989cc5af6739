"""Filing a service request for a client application with its API key: checked as the spec says,
placed by its coordinates, its attributes' answers and address written into the description, its
photos cleaned, then filed as a complaint with the client's token, in one transaction.

Cheap first (ADR 0025): the client's own limit, every field, then every photo's header, and only
then the photos' pixels."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import pgettext_lazy

from sahl.complaints import filing as complaints
from sahl.complaints import geo, media
from sahl.core.errors import BadInput
from sahl.core.languages import in_both
from sahl.identity import throttle
from sahl.open311 import descriptions, rules
from sahl.open311.clients import authenticate
from sahl.open311.directory import definitions, service_topics
from sahl.open311.models import Token
from sahl.open311.reading import service_notice
from sahl.open311.rules import Open311Error

MIN_DESCRIPTION, MAX_DESCRIPTION = 10, 2000  # what a complaint holds (the spec allows 4,000)
MAX_ADDRESS = 400
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{2,28}")


class Upload(Protocol):
    """A file part as received (Django's UploadedFile): its size is known before it is read."""

    @property
    def size(self) -> int | None: ...

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class Posted:
    """A POST requests as the client sent it (strings; empty means absent, as the spec says)."""

    api_key: str = ""
    jurisdiction_id: str = ""
    service_code: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    description: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    device_id: str = ""  # accepted, not kept
    account_id: str = ""  # accepted, not kept: Sahl has no accounts for a client's users
    media_url: str = ""
    attributes: dict[str, list[str]] = field(default_factory=dict)
    media: Sequence[Upload] = ()


@dataclass(frozen=True)
class Created:
    service_request_id: str
    token: str
    service_notice: str

    def document(self) -> list[dict[str, Any]]:
        """The spec's answer: the id at once (so no token in the body; it is in a header)."""
        return [
            {
                "service_request_id": self.service_request_id,
                "service_notice": self.service_notice,
                "account_id": None,
            }
        ]


def create_request(posted: Posted, language: str) -> Created:
    """File the complaint a client application posts: checked, placed, photos cleaned, routed;
    the complaint and its token in one transaction."""
    client = authenticate(posted.api_key)
    throttle.take("open311.client", str(client.pk), refusal="open311.too_many")
    rules.check_jurisdiction(posted.jurisdiction_id)
    code = posted.service_code.strip()
    if not code:
        raise Open311Error(400, descriptions.SERVICE_CODE_MISSING)
    topic = next((t for t, _ in service_topics() if t.code == code), None)
    if topic is None:
        raise Open311Error(400, descriptions.SERVICE_CODE_UNKNOWN, code=code[:60])
    answers = rules.check_answers(code, definitions().attributes(code), posted.attributes)
    if not posted.description.strip():
        raise Open311Error(400, descriptions.DESCRIPTION_MISSING)
    if len(posted.description.strip()) < MIN_DESCRIPTION:
        raise BadInput("complaint.description")
    latitude, longitude = _coordinates(posted)
    place = geo.resolve(latitude, longitude)  # OutsideKuwait: abroad, at sea
    contact = _contact(posted)
    if posted.media_url.strip():
        raise Open311Error(400, descriptions.MEDIA_URL_REFUSED)
    description = rules.with_answers(posted.description, answers)
    address = posted.address_string.strip()
    if address:
        if len(address) > MAX_ADDRESS:
            raise Open311Error(400, descriptions.ADDRESS_TOO_LONG, limit=MAX_ADDRESS)
        label = in_both(pgettext_lazy("complaint", "Address"))
        description += f"\n\n{label['ar']} / {label['en']}: {address}"  # the agency reads either
    if len(posted.description.strip()) <= MAX_DESCRIPTION < len(description):
        raise Open311Error(400, descriptions.DESCRIPTION_WITH_ANSWERS_TOO_LONG, limit=MAX_DESCRIPTION)
    complaints.check_fields(code, description)  # what filing the complaint checks, before any photo
    if any((upload.size or 0) > media.PHOTO_MAX_BYTES for upload in posted.media):
        raise media.MediaRefused("complaint.photo_too_large")  # refused before it is read
    inspected = [media.inspect_photo(upload) for upload in posted.media]  # every header, no pixel
    photos = [media.clean_photo(photo) for photo in inspected]
    report = complaints.Report(
        topic_code=code,
        description=description,
        latitude=latitude,
        longitude=longitude,
        governorate=place.governorate,
        area=place.area or "",
        photos=photos,
    )
    with transaction.atomic():
        complaint = complaints.file(None, report, source=f"open311:{client.name}", contact=contact)
        token = Token.objects.create(token=secrets.token_hex(16), complaint=complaint, client=client)
    notice = service_notice(complaint, language)
    return Created(complaint.reference, token.token, notice)


def _coordinates(posted: Posted) -> tuple[float, float]:
    lat, lon = posted.lat.strip(), posted.long.strip()
    if not lat and not lon:
        if posted.address_string.strip() or posted.address_id.strip():
            raise Open311Error(400, descriptions.COORDINATES_NEEDED)
        raise Open311Error(400, descriptions.LOCATION_MISSING)
    if not lat or not lon:
        raise Open311Error(400, descriptions.LAT_LONG_PAIR)
    return geo.parse_coordinates(lat, lon)  # BadInput("complaint.location_invalid")


def _contact(posted: Posted) -> complaints.Contact:
    name = " ".join(part.strip() for part in (posted.first_name, posted.last_name) if part.strip())
    if len(name) > 200:
        raise Open311Error(400, descriptions.NAME_TOO_LONG)
    email = posted.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Open311Error(400, descriptions.EMAIL_INVALID) from None
    phone = posted.phone.strip()
    if phone and not _PHONE.fullmatch(phone):
        raise Open311Error(400, descriptions.PHONE_INVALID)
    return complaints.Contact(name=name, email=email, phone=phone)
