"""Sahl Business through the JSON API, in English: Noura, owner of CR-100001, reads her company and
sees three work permits expiring, renews them in one action and pays once, pays the overdue
social-insurance statement, gives a representative the labour services, who renews a permit but
can neither pay nor sign the licence renewal; she revokes the role and the representative's next
request is refused. The company's workers and statements are made here, in the registers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sahl.applications.models import Application
from sahl.business.models import Renewal, RenewalItem
from sahl.core.civil_id import make_civil_id
from sahl.mandates.models import Mandate
from sahl.registry import models as m
from tests.integration.conftest import CARDS, local, run_tasks
from tests.integration.test_applications_api import create

pytestmark = pytest.mark.django_db
COMPANY = "CR-100001"
API = f"/api/v1/companies/{COMPANY}"


def _civil_id(birth: dt.date, serial: int) -> str:
    while (found := make_civil_id(birth, serial)) is None:
        serial += 1
    return found.value


def worker(company: m.Company, serial: int, name: str, permit_days: int, salary_fils: int = 350_000) -> str:
    """A worker of the company in the population and labour registers, the permit ending in `permit_days`."""
    today = timezone.localdate()
    birth = dt.date(1990, 1, 1) + dt.timedelta(days=serial)
    person = m.Person.objects.create(
        civil_id=_civil_id(birth, 7000 + serial),
        name_ar=f"عامل {serial}",
        name_en=name,
        birth_date=birth,
        sex="M",
        nationality="IN",
        governorate="KW-HA",
        area="salmiya",
        marital_status="single",
        residency=m.Residency.ARTICLE_18,
        residency_expiry=today + dt.timedelta(days=permit_days + 200),
        civil_id_expiry=today + dt.timedelta(days=900),
        employment="private",
    )
    m.WorkPermit.objects.create(
        company=company,
        worker=person,
        permit_number=f"WP-T{serial:05d}",
        occupation_ar="محاسب",
        occupation_en="Accountant",
        monthly_salary_fils=salary_fils,
        permit_expiry=today + dt.timedelta(days=permit_days),
    )
    return person.civil_id


@pytest.fixture
def company(demo) -> dict[str, Any]:
    return company_rows(demo)


def company_rows(demo: dict[str, str]) -> dict[str, Any]:
    """CR-100001 (Noura's) with three permits ending this month, one ending next year, an overdue
    statement and one not yet due."""
    today = timezone.localdate()
    found = m.Company.objects.get(number=COMPANY)
    # These rows instead of the demo's (its 25 workers, 3 statements and representative).
    m.WorkPermit.objects.filter(company=found).delete()
    m.ContributionStatement.objects.filter(company=found).delete()
    Mandate.objects.filter(kind=Mandate.Kind.COMPANY_DELEGATE, grantor_civil_id=COMPANY).delete()
    found.licence_expiry = today + dt.timedelta(days=200)  # renewable permits need a licence in force
    found.save(update_fields=["licence_expiry"])
    expiring = [worker(found, i, f"Worker {i}", 10 + i) for i in range(1, 4)]
    later = worker(found, 9, "Worker Later", 300)
    month = today.replace(day=1)
    last = (month - dt.timedelta(days=1)).replace(day=1)
    before = (last - dt.timedelta(days=1)).replace(day=1)
    overdue = m.ContributionStatement.objects.create(
        company=found,
        period=before,
        insured_count=4,
        amount_fils=400_000,
        due_on=today - dt.timedelta(days=20),
    )
    due = m.ContributionStatement.objects.create(
        company=found, period=last, insured_count=4, amount_fils=410_000, due_on=today + dt.timedelta(days=10)
    )
    return {
        "expiring": expiring,
        "later": later,
        "overdue": f"statement:{overdue.pk}",
        "due": f"statement:{due.pk}",
        "owner": demo["owner"],
    }


def post(client: Client, path: str, body: Any = None, key: str | None = None) -> Any:
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(path, json.dumps(body or {}), content_type="application/json", **extra)


def pay_at_gateway(client: Client, payment_url: str, card: str = "ok") -> None:
    """The payer on the gateway's page pays with a card and is brought back to Sahl."""
    form = {"card_number": CARDS[card], "expiry": "12/29", "pin": "1234", "pay": "1"}
    back = client.post(local(payment_url), form)
    assert back.status_code == 302, back.content[:300]
    client.get(local(back["Location"]), follow=True)
    run_tasks()  # what listens to the payment (statements marked paid) runs in the background


def test_the_company_story_through_the_api(login, demo, company):
    today = timezone.localdate()
    noura = login(company["owner"], "en")

    # She reads her company: three permits expiring, an overdue statement.
    home = noura.get(API)
    assert home.status_code == 200, home.content
    home = home.json()
    assert home["company"]["number"] == COMPANY and home["acting"]["basis"] == "signatory"
    assert home["company"]["name"]["en"] == "Al-Rashidi General Trading and Contracting Co."
    assert home["workforce"] == {
        "workers": 4,
        "permits_expired": 0,
        "permits_expiring": 3,
        "residencies_expiring": 0,
    }
    needs = {n["kind"]: n for n in home["needs_action"]}
    assert needs["permits_expiring"]["count"] == 3
    assert needs["statement_overdue"]["count"] == 1
    assert [s["record"] for s in home["statements"]] == [company["due"], company["overdue"]]

    # The workers whose papers end this month, two on a page.
    horizon = (today + dt.timedelta(days=30)).isoformat()
    first = noura.get(f"{API}/workers", {"expiring_by": horizon, "size": 2}).json()
    assert len(first["workers"]) == 2 and first["after"]
    second = noura.get(f"{API}/workers", {"expiring_by": horizon, "size": 2, "after": first["after"]}).json()
    assert second["after"] is None
    chosen = [w["civil_id"] for w in first["workers"] + second["workers"]]
    assert sorted(chosen) == sorted(company["expiring"])
    assert (
        first["workers"][0]["name"]["en"] == "Worker 1" and first["workers"][0]["monthly_salary"] == "350.000"
    )

    # She renews the three in one action; the filing runs in the background.
    started = post(noura, f"{API}/renewals", {"workers": chosen}, key="renew-3")
    assert started.status_code == 202, started.content
    reference = started.json()["reference"]
    assert started["Location"].endswith(f"/renewals/{reference}")
    assert {i["outcome"] for i in started.json()["items"]} == {"waiting"}
    run_tasks()
    progress = noura.get(f"{API}/renewals/{reference}").json()
    assert progress["finished"] and progress["done"] == progress["total"] == 3
    assert {i["outcome"] for i in progress["items"]} == {"filed"}
    assert len(progress["to_pay"]) == 3 and progress["to_pay_amount"] == "30.000"

    # She pays once for the three.
    payment = post(noura, f"{API}/renewals/{reference}/payment")
    assert payment.status_code == 201, payment.content
    assert payment.json()["amount"] == "30.000" and len(payment.json()["items"]) == 3
    assert (
        post(noura, f"{API}/renewals/{reference}/payment").json()["reference"] == payment.json()["reference"]
    )
    pay_at_gateway(noura, payment.json()["payment_url"])
    paid = noura.get(f"{API}/renewals/{reference}").json()
    assert paid["to_pay"] == [] and {i["application_state"] for i in paid["items"]} == {"completed"}
    assert noura.get(f"{API}/workers", {"expiring_by": horizon}).json()["workers"] == []  # renewed a year
    assert post(noura, f"{API}/renewals/{reference}/payment").status_code == 409  # nothing left to pay

    # She pays the overdue statement, its surcharge included; her accounting system reads it paid.
    statements = {s["record"]: s for s in noura.get(f"{API}/statements").json()}
    overdue = statements[company["overdue"]]
    assert overdue["state"] == "overdue" and overdue["amount"] == "400.000"
    assert overdue["surcharge"] == "6.000" and overdue["total"] == "406.000"
    assert statements[company["due"]]["state"] == "due" and statements[company["due"]]["surcharge"] == "0.000"
    dues = post(noura, f"{API}/statements/payment", {"statements": [company["overdue"]]})
    assert dues.status_code == 201, dues.content
    assert dues.json()["amount"] == "406.000"
    pay_at_gateway(noura, dues.json()["payment_url"])
    statements = {s["record"]: s for s in noura.get(f"{API}/statements").json()}
    settled = statements[company["overdue"]]
    assert settled["state"] == "paid" and settled["paid_on"] == today.isoformat()
    assert settled["paid"] == "406.000" and settled["payment_reference"] == dues.json()["reference"]
    assert statements[company["due"]]["state"] == "due"
    again = post(noura, f"{API}/statements/payment", {"statements": [company["overdue"]]})
    assert again.status_code == 409 and again.json()["code"] == "payment.already_paid"

    # She gives Ahmad the labour services until three months from now; he accepts.
    until = (today + dt.timedelta(days=90)).isoformat()
    invited = post(
        noura, f"{API}/representatives", {"civil_id": demo["father"], "scope": "labour", "valid_until": until}
    )
    assert invited.status_code == 201, invited.content
    role = invited.json()
    assert role["state"] == "invited" and role["scope_text"]["en"] == "Labour services"
    ahmad = login(demo["father"], "en")
    assert ahmad.get(API).status_code == 404  # not before he accepts
    [invitation] = ahmad.get("/api/v1/me/representations").json()
    assert invitation["company"] == COMPANY and invitation["state"] == "invited"
    accepted = post(ahmad, f"/api/v1/me/representations/{invitation['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["state"] == "in_force"
    assert [r["state"] for r in noura.get(f"{API}/representatives").json()] == ["in_force"]

    # He renews the fourth worker's permit...
    seen = ahmad.get(API)
    assert seen.status_code == 200 and seen.json()["acting"] == {"basis": "delegate", "scopes": ["labour"]}
    his = post(ahmad, f"{API}/renewals", {"workers": [company["later"]]}, key="ahmad-1")
    assert his.status_code == 202, his.content
    run_tasks()
    filed = ahmad.get(f"{API}/renewals/{his.json()['reference']}").json()
    assert [i["outcome"] for i in filed["items"]] == ["filed"] and filed["to_pay_amount"] == "10.000"
    # ...but may not pay for it, nor the statements, nor sign the licence renewal, nor name others.
    refused = post(ahmad, f"{API}/renewals/{his.json()['reference']}/payment")
    assert refused.status_code == 403 and refused.json()["code"] == "mandate.delegate_scope"
    assert "Labour services" in refused.json()["messages"]["en"]
    refused = post(ahmad, f"{API}/statements/payment", {"statements": [company["due"]]})
    assert refused.status_code == 403 and refused.json()["code"] == "mandate.delegate_scope"
    switched = ahmad.put(
        "/api/v1/me/acting-as", json.dumps({"subject": COMPANY}), content_type="application/json"
    )
    assert switched.status_code == 200
    licence = create(ahmad, "moci.commercial-licence-renewal", {"company_number": COMPANY}, "ahmad-licence")
    assert licence.status_code == 403 and licence.json()["code"] == "mandate.delegate_scope"
    naming = post(
        ahmad, f"{API}/representatives", {"civil_id": demo["mother"], "scope": "all", "valid_until": until}
    )
    assert naming.status_code == 403 and naming.json()["code"] == "delegate.signatory_only"
    assert post(ahmad, f"{API}/representatives/{role['id']}/revoke").status_code == 403

    # Noura revokes him; his next request is refused.
    revoked = post(noura, f"{API}/representatives/{role['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["state"] == "ended" and revoked.json()["revoked_at"]
    ended = ahmad.get(API)  # his session acted for the company: told so once, then himself again
    assert ended.status_code == 403 and ended.json()["code"] == "mandate.ended"
    assert ahmad.get(API).status_code == 404
    assert ahmad.get(f"{API}/renewals/{his.json()['reference']}").status_code == 404
    assert noura.get(f"{API}/representatives").json() == []
    assert [r["state"] for r in noura.get(f"{API}/representatives", {"ended": "true"}).json()] == ["ended"]
    assert post(noura, f"{API}/representatives/{role['id']}/revoke").status_code == 409


def test_a_stranger_gets_404_from_every_company_operation(login, demo, company):
    noura = login(company["owner"], "en")
    started = post(noura, f"{API}/renewals", {"workers": company["expiring"][:1]}, key="k-1")
    reference = started.json()["reference"]
    role = post(
        noura,
        f"{API}/representatives",
        {"civil_id": demo["father"], "scope": "labour", "valid_until": str(timezone.localdate())},
    ).json()
    stranger = login(demo["expat"], "en")
    body = {"workers": company["expiring"]}
    answers = [
        stranger.get(API),
        stranger.get(f"{API}/workers"),
        stranger.get(f"{API}/statements"),
        stranger.get(f"{API}/representatives"),
        stranger.get(f"{API}/renewals/{reference}"),
        post(stranger, f"{API}/renewals", body, key="k-1"),
        post(stranger, f"{API}/renewals/{reference}/payment"),
        post(stranger, f"{API}/statements/payment", {"statements": [company["overdue"]]}),
        post(
            stranger,
            f"{API}/representatives",
            {"civil_id": demo["mother"], "scope": "all", "valid_until": "2099-01-01"},
        ),
        post(stranger, f"{API}/representatives/{role['id']}/revoke"),
        stranger.get("/api/v1/companies/CR-999999"),
    ]
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert {a.json()["code"] for a in answers} == {"company.not_found"}
    assert post(stranger, f"/api/v1/me/representations/{role['id']}/accept").status_code == 404
    anonymous = Client()
    assert anonymous.get(API).status_code == 401
    assert Renewal.objects.count() == 1


def test_one_refused_worker_does_not_stop_the_others_and_the_same_key_files_nothing_new(login, company):
    noura = login(company["owner"], "en")
    first, second, third = company["expiring"]
    alone = post(noura, f"{API}/renewals", {"workers": [first]}, key="alone")
    run_tasks()
    [open_one] = noura.get(f"{API}/renewals/{alone.json()['reference']}").json()[
        "to_pay"
    ]  # waits for its fee

    started = post(noura, f"{API}/renewals", {"workers": [third, first, second]}, key="three")
    assert started.status_code == 202
    run_tasks()
    progress = noura.get(f"{API}/renewals/{started.json()['reference']}").json()
    outcomes = {i["worker_civil_id"]: (i["outcome"], i["reason"]) for i in progress["items"]}
    assert outcomes[first] == ("refused", "application.already_open")
    assert outcomes[second][0] == outcomes[third][0] == "filed"
    assert progress["finished"] and len(progress["to_pay"]) == 2 and open_one not in progress["to_pay"]

    renewals, applications = Renewal.objects.count(), Application.objects.count()
    again = post(noura, f"{API}/renewals", {"workers": [first, second, third]}, key="three")
    assert again.status_code == 202 and again.json()["reference"] == started.json()["reference"]
    run_tasks()
    assert (Renewal.objects.count(), Application.objects.count()) == (renewals, applications)
    assert RenewalItem.objects.filter(renewal__reference=started.json()["reference"]).count() == 3

    other = post(noura, f"{API}/renewals", {"workers": [second]}, key="three")
    assert other.status_code == 409 and other.json()["code"] == "idempotency.conflict"
    assert post(noura, f"{API}/renewals", {"workers": [second]}).status_code == 400  # no key
    unknown = post(noura, f"{API}/renewals", {"workers": ["289010100013"]}, key="unknown")
    assert unknown.status_code == 400 and unknown.json()["code"] == "renewal.unknown_worker"
    assert post(noura, f"{API}/renewals", {"workers": []}, key="none").status_code == 400
    assert Renewal.objects.count() == renewals
