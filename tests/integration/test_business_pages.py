"""Sahl Business in the pages: a company's home for its owner, 404 for anyone else, workers renewed
in one action (one refusal does not stop the rest; the same form twice files nothing new) and paid
once, statements paid in one payment, a labour representative who may renew but not pay or renew
the licence, and a revocation that stops their very next request."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from sahl.applications.models import Application
from sahl.business.models import Renewal
from sahl.mandates.models import Mandate
from sahl.registry import models as m
from tests.integration.conftest import local, run_tasks

pytestmark = pytest.mark.django_db
COMPANY = "CR-100001"
CARD = {"card_number": "4242424242424242", "expiry": "12/29", "pin": "1234", "pay": "1"}


@pytest.fixture
def company(demo):
    """Noura's company with five workers (three permits ending within 30 days) and two statements
    (one overdue), made here whatever the demo holds."""
    today = timezone.localdate()
    found = m.Company.objects.get(number=COMPANY)
    m.WorkPermit.objects.filter(company=found).delete()
    m.ContributionStatement.objects.filter(company=found).delete()
    workers = []
    for i, days in enumerate((5, 12, 20, 200, 300)):
        person = m.Person.objects.create(
            civil_id=f"28801010{i:03d}{i}"[:12],
            name_ar=f"عامل {i}",
            name_en=f"Worker {i}",
            birth_date=dt.date(1988, 1, 1),
            sex="M",
            nationality="IN",
            governorate="KW-KU",
            area="KU-01",
            marital_status="single",
            residency="article-18",
            residency_expiry=today + dt.timedelta(days=days + 40),
            civil_id_expiry=today + dt.timedelta(days=days + 40),
            employment="private",
        )
        m.WorkPermit.objects.create(
            company=found,
            worker=person,
            permit_number=f"WP-T{i}",
            occupation_ar="سائق",
            occupation_en="Driver",
            monthly_salary_fils=250_000,
            permit_expiry=today + dt.timedelta(days=days),
        )
        workers.append(person.civil_id)
    month = today.replace(day=1)
    last = (month - dt.timedelta(days=1)).replace(day=1)
    before = (last - dt.timedelta(days=1)).replace(day=1)
    overdue = m.ContributionStatement.objects.create(
        company=found,
        period=before,
        insured_count=2,
        amount_fils=120_000,
        due_on=today - dt.timedelta(days=10),
    )
    m.ContributionStatement.objects.create(
        company=found, period=last, insured_count=2, amount_fils=120_000, due_on=today + dt.timedelta(days=15)
    )
    return {"workers": workers, "overdue": f"statement:{overdue.pk}"}


def through_gateway(client, response):
    assert response.status_code == 302, response.content.decode()[:400]
    back = client.post(local(response["Location"]), CARD)
    assert back.status_code == 302
    return client.get(local(back["Location"]), follow=True)


def workers_form_key(client) -> str:
    page = client.get(f"/business/{COMPANY}/workers?expiring=1").content.decode()
    return re.search(r'name="key" value="([^"]+)"', page).group(1)


def test_the_owner_sees_what_is_due_and_a_stranger_gets_404(login, demo, company):
    owner = login(demo["owner"], "en")
    page = owner.get(f"/business/{COMPANY}").content.decode()
    assert "3 work permits expire within 30 days." in page
    assert "1 contribution statement is overdue" in page
    assert "Al-Rashidi General Trading" in page
    assert owner.get("/business").content.decode().count(f"/business/{COMPANY}") >= 1
    stranger = login(demo["father"], "en")
    for path in ("", "/workers", "/statements", "/representatives", "/renewals/BR-1"):
        assert stranger.get(f"/business/{COMPANY}{path}").status_code == 404
    assert (
        stranger.post(
            f"/business/{COMPANY}/renewals", {"worker": company["workers"][0], "key": "x"}
        ).status_code
        == 404
    )
    assert (
        stranger.post(f"/business/{COMPANY}/statements", {"statement": company["overdue"]}).status_code == 404
    )


def test_a_bulk_renewal_files_one_each_refuses_one_and_is_paid_once(login, demo, company):
    owner = login(demo["owner"], "en")
    first, second, third = company["workers"][:3]
    # An application for the third worker is already open: that worker's renewal is refused.
    owner.post("/acting-as", {"subject": COMPANY})
    key = workers_form_key(owner)
    asked = owner.post(f"/business/{COMPANY}/renewals", {"worker": [first, second], "key": "open-one"})
    run_tasks()
    key = workers_form_key(owner)
    response = owner.post(f"/business/{COMPANY}/renewals", {"worker": [first, second, third], "key": key})
    assert response.status_code == 302
    again = owner.post(f"/business/{COMPANY}/renewals", {"worker": [first, second, third], "key": key})
    assert again["Location"] == response["Location"]  # the same renewal: nothing new
    assert Renewal.objects.filter(company_number=COMPANY).count() == 2
    run_tasks()
    page = owner.get(local(response["Location"])).content.decode()
    assert page.count("Not filed") == 2  # the first two are already open from the first renewal
    assert asked.status_code == 302
    first_renewal = owner.get(local(asked["Location"])).content.decode()
    assert first_renewal.count("waiting for the fee") == 2
    filed = Application.objects.filter(subject_civil_id=COMPANY, service__code="pam.work-permit-renewal")
    assert filed.count() == 3  # one each: two from the first renewal, the third from the second
    pay_path = re.search(r'action="(/business/[^"]+/pay)"', first_renewal).group(1)
    through_gateway(owner, owner.post(pay_path))
    assert sorted(filed.values_list("state", flat=True))[:2] != ["awaiting_payment", "awaiting_payment"]
    run_tasks()
    permits = m.WorkPermit.objects.filter(worker__civil_id__in=[first, second])
    assert all(p.permit_expiry > timezone.localdate() + dt.timedelta(days=300) for p in permits)


def test_statements_are_paid_in_one_payment(login, demo, company):
    owner = login(demo["owner"], "en")
    response = owner.post(f"/business/{COMPANY}/statements", {"statement": [company["overdue"]]})
    through_gateway(owner, response)
    run_tasks()
    statement = m.ContributionStatement.objects.get(pk=int(company["overdue"].split(":")[1]))
    assert statement.paid_on == timezone.localdate()
    assert statement.paid_fils == 120_000 + 1_800  # 1.5 % for the started month late
    page = owner.get(f"/business/{COMPANY}").content.decode()
    assert "is overdue" not in page


def test_a_labour_representative_renews_but_cannot_pay_and_stops_when_revoked(login, demo, company):
    owner = login(demo["owner"], "en")
    invited = owner.post(
        f"/business/{COMPANY}/representatives",
        {
            "civil_id": demo["father"],
            "scope": "labour",
            "valid_until": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        },
    )
    assert invited.status_code == 302
    mandate = Mandate.objects.get(grantor_civil_id=COMPANY, attorney_civil_id=demo["father"])
    representative = login(demo["father"], "en")
    assert representative.get(f"/business/{COMPANY}").status_code == 404  # not accepted yet
    assert "Invitations to represent a company" in representative.get("/business").content.decode()
    representative.post(f"/business/representations/{mandate.pk}/accept")
    assert representative.get(f"/business/{COMPANY}").status_code == 200
    key = workers_form_key(representative)
    worker = company["workers"][0]
    response = representative.post(f"/business/{COMPANY}/renewals", {"worker": [worker], "key": key})
    assert response.status_code == 302
    run_tasks()
    renewal = representative.get(local(response["Location"])).content.decode()
    assert "waiting for the fee" in renewal
    assert "pays the fees" in renewal  # no pay button for a labour role
    refused = representative.post(f"/business/{COMPANY}/statements", {"statement": [company["overdue"]]})
    assert refused.status_code == 403
    representative.post("/acting-as", {"subject": COMPANY})
    licence = representative.get("/services/moci.commercial-licence-renewal/apply")
    assert licence.status_code in (200, 403)
    assert "within your role" in licence.content.decode()
    log = owner.get(f"/business/{COMPANY}/log").content.decode()
    assert "As the company&#x27;s representative" in log or "As the company's representative" in log
    assert "Access refused" in log  # the payment it tried
    owner.post(f"/business/{COMPANY}/representatives/{mandate.pk}/revoke")
    ended = representative.get("/applications")
    assert ended.status_code == 403  # the very next request
    assert representative.get(f"/business/{COMPANY}").status_code == 404


def test_the_company_home_reads_as_many_rows_with_5000_workers_as_with_5(login, demo, company):
    """Issue 20: the home stays within its query budget for a company with 5,000 workers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owner = login(demo["owner"], "en")
    owner.get(f"/business/{COMPANY}")

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert owner.get(f"/business/{COMPANY}").status_code == 200
        return len(queries)

    small = counted()
    today = timezone.localdate()
    found = m.Company.objects.get(number=COMPANY)
    people = [
        m.Person(
            civil_id=f"2{i:011d}",
            name_ar=f"عامل {i}",
            name_en=f"Worker {i}",
            birth_date=dt.date(1990, 1, 1),
            sex="M",
            nationality="EG",
            governorate="KW-KU",
            area="KU-01",
            marital_status="single",
            residency="article-18",
            residency_expiry=today + dt.timedelta(days=100 + i % 300),
            civil_id_expiry=today + dt.timedelta(days=400),
            employment="private",
        )
        for i in range(5000)
    ]
    m.Person.objects.bulk_create(people, batch_size=1000)
    made = m.Person.objects.filter(civil_id__startswith="2000").order_by("pk")
    m.WorkPermit.objects.bulk_create(
        (
            m.WorkPermit(
                company=found,
                worker=p,
                permit_number=f"WP-B{i}",
                occupation_ar="عامل",
                occupation_en="Labourer",
                monthly_salary_fils=150_000,
                permit_expiry=today + dt.timedelta(days=1 + i % 360),
            )
            for i, p in enumerate(made)
        ),
        batch_size=1000,
    )
    assert m.WorkPermit.objects.filter(company=found).count() >= 5000
    big = counted()
    assert big == small, (small, big)
    assert small <= 20, small  # the session, the authority, the reads of the home, its access logged
    page = owner.get(f"/business/{COMPANY}").content.decode()
    assert "5,005 workers" in page or "5005 workers" in page


@pytest.mark.parametrize(
    ("words", "language", "shown"),
    [
        ("اشتراكات", "ar", "دفع اشتراكات التأمينات الاجتماعية للمنشأة"),
        ("دفع اشتراكات التأمينات", "ar", "دفع اشتراكات التأمينات الاجتماعية للمنشأة"),
        ("contributions", "en", "Pay your company&#x27;s social-insurance contributions"),
        ("مندوب", "ar", "مندوب المنشأة"),
        ("work permit renewal", "en", "Renew several workers&#x27; work permits at once"),
    ],
)
def test_a_search_for_contributions_finds_where_to_pay_them(client, words, language, shown):
    """Issue 20: "اشتراكات" found nothing; paying is done in the company's account, not by an
    application, and the search says where."""
    client.cookies["sahl_language"] = language
    page = client.get("/search", {"q": words}).content.decode()
    assert shown in page
    assert 'href="/business"' in page


def test_a_search_for_a_passport_shows_no_business_shortcut(client):
    page = client.get("/search", {"q": "تجديد جواز السفر"}).content.decode()
    assert 'id="shortcuts"' not in page
