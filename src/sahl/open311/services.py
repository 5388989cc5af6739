"""Use cases of the Open311 GeoReport v2 endpoint: discovery, the services (complaint topics) and
their definitions, filing a service request (a complaint) for a client application with its API
key, reading requests and tokens, and issuing client keys. Answers are the spec's documents as
plain data (lists and dicts with its field names); the views write them as JSON or XML.

What a GET answer never holds: who reported (the logged-in reporter, or the name, e-mail and
phone an Open311 client passed), the reporter's own words after filing (answers, reasons for
reopening, ratings), the photos themselves (`media_url` is null: photos are served only to the
reporter and the agency)."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from sahl.complaints import geo, media
from sahl.complaints import services as complaints
from sahl.complaints.models import Complaint, Event, RoutingRule, Topic
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput
from sahl.core.languages import in_language
from sahl.open311 import descriptions, rules
from sahl.open311.models import Client, Token
from sahl.open311.rules import Open311Error

DEFINITIONS = Path(__file__).parent / "definitions"
BASE_PATH = "/open311/v2"
MIN_DESCRIPTION, MAX_DESCRIPTION = 10, 2000  # what a complaint holds (the spec allows 4,000)
MAX_ADDRESS = 400
KEY_PREFIX = "sahl-o311-"
_CLIENT_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{2,28}")
# Steps of a complaint that say something public about it (never the reporter's own words).
PUBLIC_STEPS = tuple(descriptions.STATUS_NOTES)


# --- Service definitions (data) -------------------------------------------------------------------


@dataclass(frozen=True)
class Definitions:
    changeset: str
    common: tuple[rules.Attribute, ...]
    by_topic: dict[str, tuple[rules.Attribute, ...]]

    def attributes(self, topic_code: str) -> tuple[rules.Attribute, ...]:
        return self.by_topic.get(topic_code, ()) + self.common


@cache
def definitions(directory: Path = DEFINITIONS) -> Definitions:
    """definitions/attributes.yaml, checked once per process."""
    data = yaml.safe_load((directory / "attributes.yaml").read_text(encoding="utf-8"))
    common = tuple(rules.attribute_from(a) for a in data.get("all", ()) or ())
    by_topic = {
        str(code): tuple(rules.attribute_from(a) for a in attributes or ())
        for code, attributes in (data.get("topics") or {}).items()
    }
    for code, attributes in by_topic.items():
        codes = [a.code for a in attributes + common]
        if len(codes) != len(set(codes)):
            raise ValueError(f"attributes.yaml: service {code} has an attribute code twice")
    return Definitions(str(data["changeset"]), common, by_topic)


# Public answers give a request's place to 3 decimals of a degree (about 100 m).
PUBLIC_DECIMALS = 3


# --- Discovery and services -------------------------------------------------------------------------


def discovery(language: str) -> dict[str, Any]:
    changeset = definitions().changeset
    return {
        "changeset": changeset,
        "contact": in_language(descriptions.CONTACT, language),
        "key_service": in_language(descriptions.KEY_SERVICE, language),
        "endpoints": [
            {
                "specification": rules.SPECIFICATION,
                "url": settings.SAHL_PUBLIC_URL + BASE_PATH,
                "changeset": changeset,
                "type": "test" if settings.DEBUG else "production",
                "formats": ["application/xml", "application/json"],
            }
        ],
    }


def _services() -> list[tuple[Topic, Topic | None]]:
    """Every topic a complaint can be filed under, with its group (one query)."""
    found: list[tuple[Topic, Topic | None]] = []
    for root, children in complaints.topic_tree():
        if children:
            found.extend((child, root) for child in children if child.agency_id is not None)
        elif root.agency_id is not None or root.code == complaints.UNKNOWN:
            found.append((root, None))
    return found


def _service(code: str) -> tuple[Topic, Topic | None]:
    found = next(((t, g) for t, g in _services() if t.code == code), None)
    if found is None:
        raise Open311Error(404, descriptions.SERVICE_CODE_UNKNOWN, code=code[:60])
    return found


def _routing_keywords() -> dict[str, list[str]]:
    """The words routing rules send to each topic: synonyms a client can search by."""
    words: dict[str, list[str]] = {}
    for topic_to, keywords in RoutingRule.objects.exclude(topic_to=None).values_list(
        "topic_to__code", "keywords"
    ):
        words.setdefault(topic_to, []).extend(w.strip() for w in keywords.split(",") if w.strip())
    return words


def _agency_name(agency: Any, unit: BilingualText | None, language: str) -> str:
    name = agency.name.get(language)
    return f"{name} – {unit.get(language)}" if unit is not None else name


def _topic_unit(topic: Topic) -> BilingualText | None:
    return BilingualText(topic.unit_ar, topic.unit_en) if topic.unit_ar and topic.unit_en else None


def service_list(jurisdiction_id: str, language: str) -> list[dict[str, Any]]:
    rules.check_jurisdiction(jurisdiction_id)
    keywords = _routing_keywords()
    answer = []
    for topic, group in _services():
        if topic.agency is None:
            description = in_language(descriptions.UNKNOWN_DESCRIPTION, language)
        else:
            agency = _agency_name(topic.agency, _topic_unit(topic), language)
            description = in_language(descriptions.SERVICE_DESCRIPTION, language).format(
                agency=agency, days=topic.working_days
            )
        other = "ar" if language == "en" else "en"
        words = [topic.name.get(other)]
        if group is not None:
            words += [group.name.get(language), group.name.get(other)]
        if topic.agency is not None:
            words += [topic.agency.name.get(other)]
        words += keywords.get(topic.code, [])
        answer.append(
            {
                "service_code": topic.code,
                "service_name": topic.name.get(language),
                "description": description,
                "metadata": bool(definitions().attributes(topic.code)),
                "type": "realtime",
                "keywords": ", ".join(dict.fromkeys(w.replace(",", " ") for w in words)),
                "group": group.name.get(language) if group is not None else None,
            }
        )
    return answer


def service_definition(code: str, jurisdiction_id: str, language: str) -> dict[str, Any]:
    rules.check_jurisdiction(jurisdiction_id)
    topic, _ = _service(code)
    attributes = []
    for order, attribute in enumerate(definitions().attributes(topic.code), start=1):
        entry: dict[str, Any] = {
            "variable": attribute.variable,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": (
                attribute.datatype_description.get(language) if attribute.datatype_description else None
            ),
            "order": order,
            "description": attribute.description.get(language),
        }
        if attribute.values:
            entry["values"] = [{"key": v.key, "name": v.name.get(language)} for v in attribute.values]
        attributes.append(entry)
    return {"service_code": topic.code, "attributes": attributes}


# --- Filing a service request ----------------------------------------------------------------------


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


def authenticate(api_key: str) -> Client:
    key = api_key.strip()
    if not key:
        raise Open311Error(403, descriptions.API_KEY_MISSING)
    digest = hashlib.sha256(key[:200].encode()).hexdigest()
    client = Client.objects.filter(key_sha256=digest, active=True).first()
    if client is None:
        raise Open311Error(403, descriptions.API_KEY_INVALID)
    return client


def create_request(posted: Posted, language: str) -> Created:
    """File the complaint a client application posts: checked, placed, photos cleaned, routed;
    the complaint and its token in one transaction."""
    client = authenticate(posted.api_key)
    rules.check_jurisdiction(posted.jurisdiction_id)
    code = posted.service_code.strip()
    if not code:
        raise Open311Error(400, descriptions.SERVICE_CODE_MISSING)
    topic = next((t for t, _ in _services() if t.code == code), None)
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
        description += f"\n\nالعنوان / Address: {address}"
    if len(posted.description.strip()) <= MAX_DESCRIPTION < len(description):
        raise Open311Error(400, descriptions.DESCRIPTION_WITH_ANSWERS_TOO_LONG, limit=MAX_DESCRIPTION)
    photos = [_photo(upload) for upload in posted.media]
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
    notice = _notice(complaint, language)
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


def _photo(upload: Upload) -> Any:
    """The photo checked by content and cleaned by the complaints' media module."""
    if (upload.size or 0) > media.PHOTO_MAX_BYTES:
        raise media.MediaRefused("complaint.photo_too_large")  # refused before it is read
    return media.check_photo(upload)


def _notice(complaint: Complaint, language: str) -> str:
    agency = _agency_name(complaint.agency, _unit(complaint), language)
    return in_language(descriptions.SERVICE_NOTICE, language).format(
        agency=agency, due=complaint.due_on.isoformat()
    )


def _unit(complaint: Complaint) -> BilingualText | None:
    if complaint.unit_ar and complaint.unit_en:
        return BilingualText(complaint.unit_ar, complaint.unit_en)
    return None


# --- Reading service requests ----------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """GET requests' filters as sent (strings; empty means absent)."""

    jurisdiction_id: str = ""
    service_request_id: str = ""
    service_code: str = ""
    start_date: str = ""
    end_date: str = ""
    status: str = ""
    page: str = ""
    page_size: str = ""


def find_requests(query: Query, language: str) -> list[dict[str, Any]]:
    """Newest first, at most 1000 (or page_size) at a time. service_request_id overrides every
    other filter; otherwise the window is at most 90 days, the most recent 90 by default."""
    rules.check_jurisdiction(query.jurisdiction_id)
    rows: QuerySet[Complaint] = Complaint.objects.all()
    ids = rules.comma_list(query.service_request_id)
    if ids:
        rows = rows.filter(reference__in=ids)
    else:
        codes = rules.comma_list(query.service_code)
        if codes:
            known = {t.code for t, _ in _services()}
            unknown = next((c for c in codes if c not in known), None)
            if unknown is not None:
                raise Open311Error(400, descriptions.SERVICE_CODE_UNKNOWN, code=unknown[:60])
            rows = rows.filter(topic__code__in=codes)
        statuses = rules.comma_list(query.status)
        if statuses:
            rows = rows.filter(state__in=rules.states_for(statuses))
        since, until = rules.date_range(query.start_date, query.end_date, timezone.now())
        rows = rows.filter(created_at__gte=since, created_at__lte=until)
    size = rules.positive(query.page_size, "page_size", rules.MAX_REQUESTS, rules.MAX_REQUESTS)
    page = rules.positive(query.page, "page", 1, 1_000_000)
    chosen = rows.order_by("-created_at", "-pk")[(page - 1) * size : page * size]
    return _documents(chosen, language)


def one_request(service_request_id: str, jurisdiction_id: str, language: str) -> list[dict[str, Any]]:
    rules.check_jurisdiction(jurisdiction_id)
    found = _documents(Complaint.objects.filter(reference=service_request_id.strip()), language)
    if not found:
        raise Open311Error(404, descriptions.REQUEST_NOT_FOUND, id=service_request_id[:60])
    return found


def token(value: str, jurisdiction_id: str) -> list[dict[str, Any]]:
    rules.check_jurisdiction(jurisdiction_id)
    found = Token.objects.select_related("complaint").filter(token=value.strip()).first()
    if found is None:
        raise Open311Error(404, descriptions.TOKEN_NOT_FOUND, token=value[:60])
    return [{"service_request_id": found.complaint.reference, "token": found.token}]


def _documents(rows: QuerySet[Complaint], language: str) -> list[dict[str, Any]]:
    """The spec's request documents (three queries whatever the number of requests)."""
    steps = Event.objects.filter(kind__in=PUBLIC_STEPS).select_related("agency").order_by("at", "pk")
    found = rows.select_related("topic", "agency").prefetch_related(
        Prefetch("events", queryset=steps, to_attr="public_steps")
    )
    return [_document(complaint, language) for complaint in found]


def _document(complaint: Complaint, language: str) -> dict[str, Any]:
    # Only what anyone may know: never complaint.reporter nor complaint.contact_*.
    return {
        "service_request_id": complaint.reference,
        "status": rules.status_of(complaint.state),
        "status_notes": _status_notes(complaint, getattr(complaint, "public_steps", []), language),
        "service_name": complaint.topic.name.get(language),
        "service_code": complaint.topic.code,
        "description": complaint.description,
        "agency_responsible": _agency_name(complaint.agency, _unit(complaint), language),
        "service_notice": _notice(complaint, language),
        "requested_datetime": rules.w3(complaint.created_at),
        "updated_datetime": rules.w3(complaint.updated_at),
        "expected_datetime": rules.end_of_day(complaint.due_on),
        "address": _address(complaint.governorate, complaint.area, language),
        "address_id": None,
        "zipcode": None,
        # Public answers give the place to about 100 m (3 decimals): enough to find a pothole, not
        # to point at one home (a power cut reported from a flat).
        "lat": round(float(complaint.latitude), PUBLIC_DECIMALS),
        "long": round(float(complaint.longitude), PUBLIC_DECIMALS),
        "media_url": None,
    }


def _status_notes(complaint: Complaint, steps: Iterable[Event], language: str) -> str | None:
    last = None
    for step in steps:
        last = step
    if last is None:
        return None
    agency = (last.agency or complaint.agency).name.get(language)
    return in_language(descriptions.STATUS_NOTES[last.kind], language).format(
        agency=agency, note=last.note.strip()
    )


@cache
def _places() -> tuple[dict[str, BilingualText], dict[str, BilingualText]]:
    return {g.code: g.name for g in geo.governorates()}, {a.code: a.name for a in geo.areas()}


def _address(governorate: str, area: str, language: str) -> str:
    """Most specific first, as the spec asks: area, governorate, Kuwait."""
    governorates, areas = _places()
    parts = [areas[area].get(language)] if area in areas else []
    if governorate in governorates:
        parts.append(governorates[governorate].get(language))
    parts.append(in_language(descriptions.KUWAIT, language))
    return ("، " if language == "ar" else ", ").join(parts)


# --- Client applications and their keys --------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    name: str
    key: str  # shown once; only its SHA-256 is kept


def _new_key() -> tuple[str, str]:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return key, hashlib.sha256(key.encode()).hexdigest()


def issue_client(name: str) -> Issued:
    """A new client application and its key."""
    if not _CLIENT_NAME.fullmatch(name):
        raise ValueError("a client's name is 1 to 32 lower-case letters, digits and hyphens")
    with transaction.atomic():
        if Client.objects.filter(name=name).exists():
            raise ValueError(f"a client named {name} exists already; use --rotate for a new key")
        key, digest = _new_key()
        Client.objects.create(name=name, key_sha256=digest)
    return Issued(name, key)


def rotate_key(name: str) -> Issued:
    """A new key for a client (active again); the old key stops working at once."""
    with transaction.atomic():
        client = Client.objects.select_for_update().filter(name=name).first()
        if client is None:
            raise ValueError(f"no client named {name}")
        key, digest = _new_key()
        client.key_sha256, client.active = digest, True
        client.save(update_fields=["key_sha256", "active"])
    return Issued(name, key)


def deactivate_client(name: str) -> None:
    """The client's key is refused from now on; what it filed stays."""
    if not Client.objects.filter(name=name).update(active=False):
        raise ValueError(f"no client named {name}")
