"""Reading service requests as the spec's documents: by filters (service, status, a window of at
most 90 days, pages), one request, and a token's request.

What an answer never holds: who reported (the logged-in reporter, or the name, e-mail and phone an
Open311 client passed), the reporter's own words after filing (answers, reasons for reopening,
ratings), the photos themselves (`media_url` is null: photos are served only to the reporter and the
agency)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from sahl.complaints import geo
from sahl.complaints.models import Complaint, Event
from sahl.core.bilingual import BilingualText
from sahl.core.languages import in_language
from sahl.open311 import descriptions, rules
from sahl.open311.directory import agency_name, service_topics
from sahl.open311.models import Token
from sahl.open311.rules import Open311Error

# Steps of a complaint that say something public about it (never the reporter's own words).
PUBLIC_STEPS = tuple(descriptions.STATUS_NOTES)
# Public answers give a request's place to 3 decimals of a degree (about 100 m).
PUBLIC_DECIMALS = 3


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
            known = {t.code for t, _ in service_topics()}
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
        "agency_responsible": agency_name(complaint.agency, _unit(complaint), language),
        "service_notice": service_notice(complaint, language),
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


def service_notice(complaint: Complaint, language: str) -> str:
    """Who has the request and by when it is due to be resolved."""
    agency = agency_name(complaint.agency, _unit(complaint), language)
    return in_language(descriptions.SERVICE_NOTICE, language).format(
        agency=agency, due=complaint.due_on.isoformat()
    )


def _unit(complaint: Complaint) -> BilingualText | None:
    if complaint.unit_ar and complaint.unit_en:
        return BilingualText(complaint.unit_ar, complaint.unit_en)
    return None
