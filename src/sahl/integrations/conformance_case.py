"""The conformance kit's test application: real enough for an agency's system to take on and report
back through the inbound API, and plainly a test.

- It is filed for a synthetic person who cannot log in: the civil ID of someone born on 1 January
  1900 (`TEST_CIVIL_ID`), named "Conformance test person", entered in the population register
  through `Registers.enrol_test_person` so that an approval can issue its documents. (A deployment
  on a real population register needs that register to hold a test identity of the same kind.)
- It is for one of the agency's `agency_api` services (one without register effects, parties or
  documents when there is one), with answers made from the service's form, plus
  `"conformance_test": true` among the answers; the kit's deliveries also carry `"test": true`.
- It goes straight to the agency (in review), without eligibility or a fee, and without the
  outbound worker: the kit delivers it itself. Its history says so.
- When the kit is done and the agency has not decided it, it is withdrawn, so that it does not
  stay in anyone's queue."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sahl.applications import moving
from sahl.applications.models import Application, HistoryEvent
from sahl.applications.states import State
from sahl.catalogue.definition import ServiceDefinition
from sahl.catalogue.models import Agency, Service
from sahl.catalogue.services import definition_of
from sahl.core.bilingual import BilingualText
from sahl.core.civil_id import make_civil_id
from sahl.core.working_days import add_working_days, kuwait_holidays
from sahl.identity.models import User
from sahl.registry.adapters import registers

Kind = HistoryEvent.Kind
MARKER = "conformance_test"
TEST_NAME = BilingualText("شخص اختبار المطابقة", "Conformance test person")
NOTE = "اختبار مطابقة نظام الجهة | Conformance test of the agency's system"


def _test_civil_id() -> str:
    serial = 1
    while (found := make_civil_id(dt.date(1900, 1, 1), serial)) is None:
        serial += 1
    return found.value


TEST_CIVIL_ID = _test_civil_id()


class NotReady(Exception):
    """The kit cannot run for this agency yet; the message says what to do first."""


def test_person() -> User:
    """The synthetic person: an entry in the population register (approval issues documents, which
    name their holder from the register) and a user who cannot log in."""
    record = registers().enrol_test_person(TEST_CIVIL_ID, TEST_NAME, dt.date(1900, 1, 1))
    user, _ = User.objects.get_or_create(
        civil_id=TEST_CIVIL_ID,
        defaults={
            "name_ar": record.name.ar,
            "name_en": record.name.en,
            "is_active": False,
            "password": make_password(None),  # unusable: nobody logs in as the test person
        },
    )
    return user


def _cost(definition: ServiceDefinition) -> tuple[int, int, int, int]:
    """Simplest first: no register effects, no parties, no documents, fewest questions."""
    required = definition.form.get("required", [])
    return (
        len(definition.effects),
        len(definition.parties),
        len(definition.required_documents),
        len(required),
    )


def service_for(agency: Agency, code: str | None = None) -> Service:
    found = Service.objects.filter(agency=agency, processing="agency_api", is_active=True)
    found = found.select_related("current_version").exclude(current_version=None)
    if code:
        found = found.filter(code=code)
    candidates = sorted(found, key=lambda s: (_cost(definition_of(s.current_version)), s.code))  # type: ignore[arg-type]
    if not candidates:
        what = f"service {code!r} of {agency.code} in agency_api mode" if code else "agency_api service"
        raise NotReady(f"no {what}: set `processing: agency_api` in its definition and load the catalogue")
    return candidates[0]


def sample_answers(form: dict[str, Any]) -> dict[str, Any]:
    """An answer for each required question that its schema accepts (first choice, minimum...)."""
    answers: dict[str, Any] = {}
    properties = form.get("properties", {})
    for name in form.get("required", []):
        answers[name] = _sample(properties.get(name, {}))
    answers[MARKER] = True
    return answers


def _sample(prop: dict[str, Any]) -> Any:
    if prop.get("enum"):
        return prop["enum"][0]
    kind = prop.get("type", "string")
    if kind in ("integer", "number"):
        return prop.get("minimum", 1)
    if kind == "boolean":
        return True
    if prop.get("format") == "date":
        return timezone.localdate().isoformat()
    if prop.get("format") == "email":
        return "conformance@example.invalid"
    digits = re.fullmatch(r"\^\[0-9\]\{(\d+)\}\$", prop.get("pattern", ""))
    if digits:
        return "1" * int(digits.group(1))
    return "TEST"


def file_test_application(agency: Agency, service: Service) -> Application:
    """The test application, with the agency (in review), in one transaction."""
    version = service.current_version
    assert version is not None, "service_for picks published services"
    definition = definition_of(version)
    person = test_person()
    with transaction.atomic():
        application = Application.objects.create(
            reference=uuid.uuid4().hex[:20],
            service=service,
            version=version,
            agency=agency,
            applicant=person,
            subject_civil_id=person.civil_id,
            form_data=sample_answers(definition.form),
        )
        application.reference = f"{application.created_at.year}-{application.pk:07d}"
        application.submitted_at = timezone.now()
        application.save(update_fields=["reference", "submitted_at"])
        moving.transition(application, State.SUBMITTED, None, Kind.SUBMITTED, NOTE)
        application.due_on = add_working_days(
            timezone.localdate(), definition.working_days, kuwait_holidays()
        )
        application.save(update_fields=["due_on"])
        moving.transition(application, State.IN_REVIEW, None, Kind.SENT_TO_AGENCY, NOTE)
    return application


REPORTED = (Kind.AGENCY_UPDATE, Kind.INFO_REQUESTED, Kind.APPROVED, Kind.REJECTED, Kind.DOCUMENT_ISSUED)
DECIDED = (Kind.APPROVED, Kind.REJECTED)


def reported_since(application: Application, since: dt.datetime, kinds: tuple[str, ...] = REPORTED) -> str:
    """The first thing the agency reported through the inbound API after `since` ('' if none)."""
    event = application.history.filter(at__gte=since, kind__in=kinds).order_by("at", "pk").first()
    return event.get_kind_display() if event else ""


def withdraw_if_open(application: Application) -> bool:
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state not in (State.IN_REVIEW, State.ACTION_NEEDED):
            return False
        moving.transition(locked, State.WITHDRAWN, None, Kind.WITHDRAWN, NOTE)
    return True
