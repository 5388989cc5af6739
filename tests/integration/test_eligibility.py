"""One eligibility answer (issue 17, points 5 and 6): for the same person acting for the same subject,
the service page, the apply page (GET and POST) and the API (the eligibility question and filing)
give the same verdict, and a refusal says what to do next."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

import pytest
from django.db.models import Sum
from django.utils import timezone

from sahl.applications.models import Application
from sahl.audit.models import AuditEntry
from sahl.mandates.models import Mandate
from sahl.registry.models import Person, TrafficFine

pytestmark = pytest.mark.django_db

RENEWAL = "moi.vehicle-registration-renewal"
FINES = "moi.traffic-fines-payment"
VERDICT = re.compile(r'data-verdict="([a-z_.]+)"')


@dataclass(frozen=True)
class Case:
    name: str
    actor: str  # a demo person's key
    subject: str | None  # whom they act for (None: themselves)
    service: str
    code: str  # the verdict: "eligible" or the refusal's code
    status: int  # 200, or the refusal's HTTP status
    power: str = ""  # a power of attorney of this scope from the subject to the actor
    said: tuple[str, ...] = field(default=())  # what the service page says (English)


def _expected_params(case: Case, demo: dict[str, str]) -> dict:
    """The `params` a client reads, worked out from the registers as a person would check them."""
    if case.code == "application.unpaid_fines":
        unpaid = TrafficFine.objects.filter(vehicle__owner__civil_id=demo[case.actor], paid_on__isnull=True)
        total = unpaid.aggregate(total=Sum("amount_fils"))["total"]
        return {"count": unpaid.count(), "total": f"{total // 1000}.{total % 1000:03d}", "service": FINES}
    if case.code == "application.too_early":
        expiry = Person.objects.get(civil_id=demo[case.actor]).civil_id_expiry
        renewable = expiry - dt.timedelta(days=90)
        return {"expires_on": expiry.isoformat(), "renewable_from": renewable.isoformat()}
    return {}


CASES = [
    Case("self", "expat", None, RENEWAL, "eligible", 200, said=("You meet the conditions",)),
    Case(
        "guardian for a child, the child's own service",
        "father",
        "daughter",
        "paci.address-certificate",
        "eligible",
        200,
    ),
    Case(
        "guardian for a newborn, a parent's service",
        "father",
        "newborn",
        "moh.birth-certificate",
        "application.for_the_parent",
        400,
        said=("a parent applies for this service in their own name", "Act for yourself"),
    ),
    Case("a power of attorney that covers it", "father", "expat", RENEWAL, "eligible", 200, "vehicles"),
    Case(
        "a power of attorney that does not cover it",
        "father",
        "expat",
        "paci.address-change",
        "mandate.scope",
        403,
        "vehicles",
        said=("covers Vehicles, not this service", "Rajesh Kumar", "Act for yourself"),
    ),
    Case(
        "unpaid fines",
        "fines",
        None,
        RENEWAL,
        "application.unpaid_fines",
        400,
        said=("number of fines: 2", "Pay the fines"),
    ),
    Case(
        "too early to renew",
        "father",
        None,
        "paci.civil-id-renewal",
        "application.too_early",
        400,
        said=("It expires on", "you can renew it from"),
    ),
]


def _verdict_on(html: str) -> str | None:
    found = VERDICT.findall(html)
    assert len(found) <= 1, found
    return found[0] if found else None


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_service_page_the_apply_page_and_the_api_give_one_answer(login, demo, case):
    today = timezone.localdate()
    if case.power:
        Mandate.objects.create(
            grantor_civil_id=demo[case.subject],
            attorney_civil_id=demo[case.actor],
            scope=case.power,
            valid_from=today,
            valid_until=today + dt.timedelta(days=365),
            application_reference=f"TEST-{case.power}",
            granted_at=timezone.now(),
        )
    client = login(demo[case.actor], "en")
    if case.subject:
        assert client.post("/acting-as", {"subject": demo[case.subject]}).status_code == 302
    refused_before = AuditEntry.objects.filter(kind="access_refused").count()
    filed_before = Application.objects.count()
    eligible = case.code == "eligible"

    # The service page, before the person starts: no attempt is recorded for reading it.
    page = client.get(f"/services/{case.service}")
    assert page.status_code == 200
    html = page.content.decode()
    assert _verdict_on(html) == case.code
    assert (f'href="/services/{case.service}/apply"' in html) is eligible
    for words in case.said:
        assert words in html, words
    assert AuditEntry.objects.filter(kind="access_refused").count() == refused_before

    # The apply page: the same verdict; a mandate that does not reach the service is a refused
    # (and recorded) attempt.
    form = client.get(f"/services/{case.service}/apply")
    assert form.status_code == (403 if case.status == 403 else 200)
    assert _verdict_on(form.content.decode()) == (None if eligible else case.code)
    assert ('name="idempotency_key"' in form.content.decode()) is eligible

    # Submitting it: refused with the same answer, nothing filed; or on to the form's own checks.
    posted = client.post(f"/services/{case.service}/apply", {"idempotency_key": f"k-{case.name}"[:80]})
    if eligible:
        assert posted.status_code in (302, 400) and _verdict_on(posted.content.decode()) is None
    else:
        assert posted.status_code == case.status
        assert _verdict_on(posted.content.decode()) == case.code
        assert Application.objects.count() == filed_before

    # The API's question, and filing through the API.
    expected = _expected_params(case, demo)
    asked = client.get(f"/api/v1/services/{case.service}/eligibility", HTTP_ACCEPT_LANGUAGE="en")
    assert asked.status_code == 200
    answer = asked.json()
    assert (answer["eligible"], answer["code"], answer["status"]) == (eligible, case.code, case.status)
    assert answer["params"] == expected
    filing = client.post(
        "/api/v1/applications",
        {"service": case.service, "answers": json.dumps({})},
        HTTP_IDEMPOTENCY_KEY=f"api-{case.name}"[:80],
        HTTP_ACCEPT_LANGUAGE="en",
    )
    if eligible:
        assert filing.status_code in (201, 422)
    else:
        assert filing.status_code == case.status
        assert filing["Content-Type"] == "application/problem+json"
        problem = filing.json()
        assert problem["code"] == case.code and problem.get("params", {}) == expected
        assert problem["messages"] == answer["messages"]
        assert problem["title"] == answer["messages"]["en"]
        assert Application.objects.count() == filed_before


def test_the_fines_refusal_gives_their_count_and_total_and_leads_to_paying_them(login, demo):
    fines = login(demo["fines"], "ar")
    html = fines.get(f"/services/{RENEWAL}").content.decode()
    unpaid = TrafficFine.objects.filter(vehicle__owner__civil_id=demo["fines"], paid_on__isnull=True)
    total = unpaid.aggregate(total=Sum("amount_fils"))["total"]
    assert f"{total // 1000}.{total % 1000:03d}" in html and "عدد المخالفات: 2" in html
    assert f'href="/services/{FINES}"' in html
    # The link leads to a service he can use at once.
    assert _verdict_on(fines.get(f"/services/{FINES}").content.decode()) == "eligible"


def test_a_renewal_too_early_names_the_expiry_and_the_first_day_to_renew_in_both_languages(login, demo):
    expiry = Person.objects.get(civil_id=demo["father"]).civil_id_expiry
    first = expiry - dt.timedelta(days=90)
    english = login(demo["father"], "en").get("/services/paci.civil-id-renewal").content.decode()
    assert f"It expires on {expiry.day} {expiry:%B} {expiry.year}" in english
    assert f"you can renew it from {first.day} {first:%B} {first.year}" in english
    arabic = login(demo["father"], "ar").get("/services/paci.civil-id-renewal").content.decode()
    assert "It expires" not in arabic and str(first.year) in arabic
