"""Issue 20, point 8: reminders for companies, through the event backbone and the daily sweep. Work
permits and the residencies of the company's current workers before they end, the commercial licence
before it expires, unpaid social-insurance contributions before they are overdue: one message per
company, threshold and group (never one per worker), naming the company and counting, to its owners
and signatories and to its representatives in force whose scope lets them act on it; once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sahl.identity.models import User
from sahl.journeys import reminders
from sahl.journeys.models import Reminder
from sahl.journeys.sweep import sweep
from sahl.journeys.thresholds import week_end
from sahl.mandates.models import Mandate
from sahl.notifications.models import Message
from sahl.registry.adapters import registers
from sahl.registry.models import Company, CompanyRole, ContributionStatement, Person, WorkPermit
from tests.integration.conftest import run_tasks

pytestmark = pytest.mark.django_db

NUMBER = "CR-100001"  # the demo owner's company, its licence expiring in 30 days
NAME_EN = "Al-Rashidi General Trading and Contracting Co."


def today() -> dt.date:
    return timezone.localdate()


def later(days: int) -> dt.date:
    return today() + dt.timedelta(days=days)


def told(event: str) -> dict[str, list[Message]]:
    found: dict[str, list[Message]] = {}
    for message in Message.objects.filter(event=event).select_related("recipient").order_by("pk"):
        found.setdefault(message.recipient.civil_id, []).append(message)
    return found


@pytest.fixture
def company(demo) -> Company:
    """The demo company with an authorised signatory besides its owner (the person with fines)."""
    found = Company.objects.get(number=NUMBER)
    # Each test's own workers, statements and representatives instead of the demo's.
    WorkPermit.objects.filter(company=found).delete()
    ContributionStatement.objects.filter(company=found).delete()
    Mandate.objects.filter(kind=Mandate.Kind.COMPANY_DELEGATE, grantor_civil_id=NUMBER).delete()
    CompanyRole.objects.create(
        company=found, person=Person.objects.get(civil_id=demo["fines"]), role="signatory"
    )
    return found


def representative(civil_id: str, scope: str, *, accepted: bool = True, revoked: bool = False) -> Mandate:
    now = timezone.now()
    return Mandate.objects.create(
        kind=Mandate.Kind.COMPANY_DELEGATE,
        grantor_civil_id=NUMBER,
        attorney_civil_id=civil_id,
        scope=scope,
        valid_from=today(),
        valid_until=later(365),
        application_reference=f"DLG-{civil_id[-6:]}{scope[:3].upper()}",
        granted_at=now,
        granted_by_civil_id="",
        accepted_at=now if accepted else None,
        revoked_at=now if revoked else None,
    )


def hire(company: Company, permits_ending: list[dt.date], residency: dt.date | None = None) -> list[Person]:
    """Workers from the population (none with an account or an employer), one per permit's end."""
    people = list(
        Person.objects.filter(nationality__isnull=False)
        .exclude(civil_id__in=User.objects.values("civil_id"))
        .exclude(work_permits__ended_on__isnull=True, work_permits__isnull=False)
        .order_by("pk")[: len(permits_ending)]
    )
    for i, (person, ends) in enumerate(zip(people, permits_ending, strict=True)):
        WorkPermit.objects.create(
            company=company,
            worker=person,
            permit_number=f"WP-T{i:05d}",
            occupation_ar="عامل",
            occupation_en="Labourer",
            monthly_salary_fils=250_000,
            permit_expiry=ends,
        )
        person.residency_expiry = residency if i == 0 and residency else later(700)
        person.save(update_fields=["residency_expiry"])
    return people


def test_workers_permits_reach_the_signers_and_the_labour_representatives_once(demo, company):
    saturday = week_end(later(20))  # 20 to 26 days away: due at 30, past 60
    workers = hire(company, [saturday, saturday - dt.timedelta(days=1), saturday], residency=saturday)
    representative(demo["father"], "labour")
    representative(demo["mother"], "payments")  # pays; does not file labour services
    representative(demo["expat"], "read_only")  # reads the company's page; cannot renew
    representative(demo["groom"], "labour", revoked=True)
    representative(demo["bride"], "all", accepted=False)  # invited, not yet accepted
    User.objects.filter(civil_id=demo["father"]).update(preferred_language="en")

    first = sweep(today())
    run_tasks()
    again = sweep(today())
    sweep(later(1))  # the next day: the same week, nothing new
    run_tasks()

    messages = told("company_workforce_expiring")
    assert set(messages) == {demo["owner"], demo["fines"], demo["father"]}
    assert all(len(sent) == 1 for sent in messages.values())  # one per company, not one per worker
    (father,) = messages[demo["father"]]
    assert father.kind == "reminder"
    assert father.subject == f"Reminder: permits of the workers of {NAME_EN} expire by {saturday.isoformat()}"
    assert "work permits: 3; residence permits: 1" in father.body
    assert father.link.startswith(f"/business/{NUMBER}")
    (owner,) = messages[demo["owner"]]
    assert owner.language == "ar" and "شركة الرشيدي" in owner.subject
    # Counts only: no worker's name or civil ID in any message.
    for message in Message.objects.filter(event="company_workforce_expiring"):
        text = " ".join([message.subject, message.body, message.other_subject, message.other_body])
        for worker in workers:
            assert worker.civil_id not in text and worker.name_en not in text and worker.name_ar not in text
    rows = Reminder.objects.filter(document="workforce", holder_civil_id=NUMBER, civil_id=demo["father"])
    assert sorted(rows.values_list("days_before", "outcome")) == [(30, "told"), (60, "passed")]
    assert first.told >= 3 and again.told == again.passed == 0
    # The person's list of reminders sent shows the company's, not as a child's.
    (sent,) = [s for s in reminders.sent(demo["father"]) if s.document == "workforce"]
    assert not sent.for_child and sent.holder_civil_id == NUMBER


def test_a_renewed_or_ended_permit_is_not_counted_and_each_week_is_told_at_its_thresholds(demo, company):
    saturday = week_end(later(20))
    renewed, ended, _ = hire(company, [saturday, saturday, saturday + dt.timedelta(days=7)])
    WorkPermit.objects.filter(worker=renewed).update(permit_expiry=later(400))
    WorkPermit.objects.filter(worker=ended).update(ended_on=today())

    sweep(today())
    run_tasks()

    assert not Reminder.objects.filter(document="workforce", expires_on=saturday).exists()
    (owner,) = told("company_workforce_expiring")[demo["owner"]]  # the next week's: one permit
    assert "تصاريح العمل: 1؛ أذونات الإقامة: 0" in owner.body
    # That week's 7-day reminder, once.
    sweep(saturday)
    sweep(saturday + dt.timedelta(days=1))
    run_tasks()
    assert len(told("company_workforce_expiring")[demo["owner"]]) == 2
    rows = Reminder.objects.filter(document="workforce", civil_id=demo["owner"], outcome="told")
    assert set(rows.values_list("expires_on", flat=True)) == {saturday + dt.timedelta(days=7)}


def test_contributions_due_soon_reach_who_pays_and_a_paid_statement_is_not_reminded(demo, company):
    due = ContributionStatement.objects.create(
        company=company,
        period=later(-40).replace(day=1),
        insured_count=12,
        amount_fils=1_234_500,
        due_on=later(5),
    )
    ContributionStatement.objects.create(  # another month, paid already
        company=company,
        period=later(-80).replace(day=1),
        insured_count=12,
        amount_fils=999_000,
        due_on=later(5),
        paid_on=today(),
        paid_fils=999_000,
    )
    representative(demo["mother"], "payments")
    representative(demo["expat"], "social_insurance")
    representative(demo["father"], "labour")  # files labour services; does not pay
    User.objects.filter(civil_id=demo["mother"]).update(preferred_language="en")

    sweep(today())
    run_tasks()

    messages = told("company_contributions_due")
    assert set(messages) == {demo["owner"], demo["fines"], demo["mother"], demo["expat"]}
    (mother,) = messages[demo["mother"]]
    assert mother.subject == (
        f"Reminder: the social-insurance contributions of {NAME_EN} are due on {later(5).isoformat()}"
    )
    assert "KWD 1234.500" in mother.body and "999" not in mother.body  # the unpaid one only
    assert mother.link.startswith(f"/business/{NUMBER}")

    # Paid before its 1-day reminder: nothing more.
    ContributionStatement.objects.filter(pk=due.pk).update(paid_on=later(1), paid_fils=1_234_500)
    sweep(later(4))
    run_tasks()
    assert not Reminder.objects.filter(document="contributions", days_before=1).exists()
    assert sum(len(m) for m in told("company_contributions_due").values()) == 4


def test_unpaid_contributions_are_reminded_again_the_day_before(demo, company):
    ContributionStatement.objects.create(
        company=company,
        period=later(-40).replace(day=1),
        insured_count=3,
        amount_fils=90_000,
        due_on=later(5),
    )
    for day in (0, 1, 4, 4, 5):
        sweep(later(day))
    run_tasks()

    assert len(told("company_contributions_due")[demo["owner"]]) == 2
    rows = Reminder.objects.filter(document="contributions", civil_id=demo["owner"])
    assert sorted(rows.values_list("days_before", "outcome")) == [(1, "told"), (7, "told")]


def test_the_licence_reaches_signatories_and_representatives_for_all_services(demo, company):
    representative(demo["father"], "all")
    representative(demo["mother"], "labour")  # not the licence's business
    User.objects.filter(civil_id=demo["father"]).update(preferred_language="en")

    sweep(today())
    run_tasks()

    messages = told("company_licence_expiring")
    assert set(messages) == {demo["owner"], demo["fines"], demo["father"]}
    (father,) = messages[demo["father"]]
    assert father.subject == (
        f"Reminder: the commercial licence of your company {NAME_EN} expires on {later(30).isoformat()}"
    )
    assert father.link == "/services/moci.commercial-licence-renewal"
    # The signatory sees it coming up on the personal home too.
    assert "commercial_licence" in [c.document for c in reminders.coming_up(demo["fines"], today())]


def test_a_cancelled_licence_is_not_reminded(demo, company):
    registers().cancel_licence(NUMBER, today())

    sweep(today())
    run_tasks()

    assert not told("company_licence_expiring")
    assert not Reminder.objects.filter(document="commercial_licence", holder_civil_id=NUMBER).exists()
    assert all(c.document != "commercial_licence" for c in reminders.coming_up(demo["owner"], today()))


def test_a_companys_dues_are_read_in_one_query_whatever_their_number(company, django_assert_num_queries):
    hire(company, [later(10 + i % 20) for i in range(30)], residency=later(15))
    ContributionStatement.objects.create(
        company=company, period=later(-40).replace(day=1), insured_count=30, amount_fils=1000, due_on=later(3)
    )

    with django_assert_num_queries(1):
        dues = list(
            registers().company_dues(
                today(), later(60), ["commercial_licence", "work_permit", "worker_residency", "contributions"]
            )
        )

    counted: dict[str, int] = {}
    for d in dues:  # the seeded population's companies' licences too
        if d.number == NUMBER:
            counted[d.kind] = counted.get(d.kind, 0) + d.count
    assert [d.company_id for d in dues] == sorted(d.company_id for d in dues)  # a company's together
    assert counted == {"commercial_licence": 1, "work_permit": 30, "worker_residency": 1, "contributions": 1}
