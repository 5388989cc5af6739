"""Issue 19, point 6: reminders before a document expires. A daily sweep through the event backbone:
each person is told once per document, expiry and threshold (the nearest reached), however often it
runs; a renewed document is not reminded of again; guardians are told about their minor children's
documents; the message reaches the inbox, and the e-mail and SMS the person chose; a person without
an account is not messaged; GET /api/v1/me/reminders shows the person's own only."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from sahl.catalogue.models import Service
from sahl.events.models import Event
from sahl.identity.models import User
from sahl.journeys import reminders, thresholds
from sahl.journeys.models import Reminder
from sahl.journeys.sweep import sweep
from sahl.notifications import message_templates
from sahl.notifications.models import Message
from sahl.outbox.models import Delivery
from sahl.registry.adapters import registers
from sahl.registry.models import CompanyRole, Passport, Person, Vehicle
from sahl.sms_sim.models import SimulatedSms
from tests.integration.conftest import run_tasks
from tests.integration.test_notifications_email import body_of, smtp  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

PHONE = "+96560004321"


def today() -> dt.date:
    return timezone.localdate()


def later(days: int) -> dt.date:
    return today() + dt.timedelta(days=days)


def told(civil_id: str) -> list[Message]:
    return list(
        Message.objects.filter(recipient__civil_id=civil_id, event="document_expiring").order_by("pk")
    )


def passport_of(civil_id: str, days: int) -> Passport:
    """The person's passport, expiring `days` from today (one is issued when they hold none)."""
    holder = Person.objects.get(civil_id=civil_id)
    passport = Passport.objects.filter(holder=holder).first() or Passport(
        number=f"K{civil_id[-8:]}", holder=holder, issued_on=today() - dt.timedelta(days=1000)
    )
    passport.expires_on = later(days)
    passport.save()
    return passport


def hears_everything(civil_id: str, language: str = "en") -> None:
    User.objects.filter(civil_id=civil_id).update(
        email="someone@example.com",
        phone=PHONE,
        notify_by_email=True,
        notify_by_sms=True,
        preferred_language=language,
    )


def test_the_sweep_run_twice_sends_each_reminder_once(demo):
    passport = passport_of(demo["father"], 60)

    first = sweep(today())
    run_tasks()
    again = sweep(today())
    run_tasks()
    call_command("send_reminders", verbosity=0)  # the daily command, a third time
    run_tasks()

    assert first.told >= 1 and again.told == again.no_account == again.passed == 0
    (message,) = told(demo["father"])
    assert message.link == "/services/moi.passport-renewal"
    rows = Reminder.objects.filter(record=f"passport:{passport.pk}", civil_id=demo["father"])
    assert sorted(rows.values_list("days_before", "outcome", "expires_on")) == [
        (60, "told", later(60)),
        (180, "passed", later(60)),  # first seen at 60 days: never told late
    ]
    # One event per reminder told, whatever the number of runs.
    assert (
        Event.objects.filter(type="reminder.due").count() == Reminder.objects.filter(outcome="told").count()
    )


def test_two_sweeps_at_once_still_tell_each_person_once(demo, monkeypatch):
    """A sweep that did not see the rows another had just written (both read before either wrote)
    inserts nothing and announces nothing: the database's unique constraint decides."""
    passport_of(demo["father"], 60)
    sweep(today())
    events = Event.objects.filter(type="reminder.due").count()

    class Unseen:
        def filter(self, **kwargs):
            return self

        def values_list(self, *fields, **kwargs):
            return []

    monkeypatch.setattr("sahl.journeys.sweep.Reminder.objects", Unseen())
    late = sweep(today())
    run_tasks()

    assert late.told == late.no_account == late.passed == 0
    assert Event.objects.filter(type="reminder.due").count() == events
    assert len(told(demo["father"])) == 1


def test_a_document_first_seen_inside_several_windows_is_told_only_at_the_nearest(demo):
    passport = passport_of(demo["father"], 50)  # past 180 and 60 already

    sweep(today())
    sweep(later(44))  # 6 days left: the 7-day reminder
    sweep(later(45))
    run_tasks()

    rows = Reminder.objects.filter(record=f"passport:{passport.pk}", civil_id=demo["father"])
    assert sorted(rows.values_list("days_before", "outcome")) == [(7, "told"), (60, "told"), (180, "passed")]
    assert len(told(demo["father"])) == 2


def test_each_kind_is_told_at_its_own_thresholds(demo):
    vehicle = Vehicle.objects.get(plate="45-20002")  # the expatriate's car
    Vehicle.objects.filter(pk=vehicle.pk).update(registration_expiry=later(40))
    record = f"vehicle_registration:{vehicle.pk}"

    for day in (0, 9, 10, 11, 32, 33, 34, 40, 41):  # 40 days left, 31, 30, 29, 8, 7, 6, 0, expired
        sweep(later(day))

    rows = Reminder.objects.filter(record=record, civil_id=demo["expat"]).order_by("-days_before")
    assert list(rows.values_list("days_before", "outcome", "renew")) == [
        (30, "told", "moi.vehicle-registration-renewal"),
        (7, "told", "moi.vehicle-registration-renewal"),
    ]
    # The table: every document's thresholds farthest first, each renewed by a published service.
    published = set(Service.objects.values_list("code", flat=True))
    assert thresholds.REMINDERS["passport"].days == (180, 60, 7)
    assert thresholds.REMINDERS["vehicle_registration"].days == (30, 7)
    assert thresholds.REMINDERS["residency"].days == (90, 30)
    assert thresholds.REMINDERS["driving_licence"].days == (90,)
    assert set(thresholds.REMINDERS) <= set(message_templates.YOUR_DOCUMENT)  # each has its words
    for reminding in thresholds.REMINDERS.values():
        assert list(reminding.days) == sorted(reminding.days, reverse=True)
        assert {reminding.renew, *reminding.renew_by_variant.values()} <= published


def test_a_renewed_document_gets_no_further_reminder(demo):
    passport = passport_of(demo["father"], 60)
    sweep(today())
    run_tasks()
    assert len(told(demo["father"])) == 1

    # Renewed through the register's own effect (as the passport renewal's decision applies it).
    registers().apply("passport.renew", demo["father"], {"passport_number": passport.number}, today())
    for day in (0, 1, 54, 55, 60):  # the old expiry's 7-day reminder and the day itself: nothing
        sweep(later(day))
    run_tasks()

    assert len(told(demo["father"])) == 1
    assert not Reminder.objects.filter(record=f"passport:{passport.pk}", days_before=7).exists()
    # The new expiry, five years on, is reminded of in its own time.
    passport.refresh_from_db()
    assert sweep(passport.expires_on - dt.timedelta(days=100)).told >= 1
    assert Reminder.objects.filter(
        record=f"passport:{passport.pk}", expires_on=passport.expires_on, days_before=180, outcome="told"
    ).exists()


def test_rows_of_documents_expired_over_a_year_ago_are_forgotten(demo):
    passport = passport_of(demo["father"], 60)
    sweep(today())
    rows = Reminder.objects.filter(record=f"passport:{passport.pk}")
    kept = rows.count()

    sweep(later(60 + 365))  # a year after the expiry: still listed as sent
    assert rows.count() == kept
    assert sweep(later(60 + 366)).forgotten >= kept
    assert not rows.exists()


def test_a_guardian_is_reminded_for_a_child(demo, smtp):  # noqa: F811
    smtp.start()
    hears_everything(demo["father"], "ar")
    hears_everything(demo["mother"], "en")
    Passport.objects.filter(holder__civil_id=demo["father"]).update(expires_on=later(1000))
    daughter = passport_of(demo["daughter"], 50)  # six years old: no account of her own

    sweep(today())
    run_tasks()

    rows = Reminder.objects.filter(record=f"passport:{daughter.pk}", days_before=60)
    assert {(r.civil_id, r.holder_civil_id, r.outcome) for r in rows} == {
        (demo["father"], demo["daughter"], "told"),
        (demo["mother"], demo["daughter"], "told"),
        (demo["daughter"], demo["daughter"], "no_account"),
    }
    (mother,) = told(demo["mother"])
    assert mother.subject == f"Reminder: your child's passport expires on {later(50).isoformat()}"
    assert "days left: 50" in mother.body and mother.link == "/services/moi.passport-renewal"
    (father,) = told(demo["father"])
    assert father.subject == f"تذكير: تنتهي صلاحية جواز سفر أحد أبنائك في {later(50).isoformat()}"
    assert father.other_subject.startswith("Reminder: your child's passport")
    # The e-mail and the SMS went out; neither names the child, the SMS carries no date either.
    texts = [s.text for s in SimulatedSms.objects.filter(to=PHONE)]
    assert sorted(texts) == sorted(
        [
            "سهل: اقترب انتهاء جواز سفر أحد أبنائك. التجديد في سهل.",
            "Sahl: your child's passport expires soon. Renew in Sahl.",
        ]
    )
    assert len(smtp.messages) == 2
    mails = " ".join(body_of(m) + m["Subject"] for m in smtp.messages)
    assert "Sara" not in mails and "سارة" not in mails
    assert "/services/moi.passport-renewal" in mails


def test_the_message_reaches_the_inbox_and_the_channels_the_person_chose(demo, smtp):  # noqa: F811
    smtp.start()
    hears_everything(demo["expat"], "en")  # his car's registration expires in 7 days
    User.objects.filter(civil_id=demo["owner"]).update(notify_by_email=False, notify_by_sms=False)

    sweep(today())
    run_tasks()

    (message,) = told(demo["expat"])
    assert message.kind == "reminder"
    assert message.subject == f"Reminder: your vehicle's registration expires on {later(7).isoformat()}"
    assert message.link == "/services/moi.vehicle-registration-renewal"
    assert {d.channel: d.state for d in Delivery.objects.filter(topic=f"message:{message.pk}")} == {
        "email": "sent",
        "sms": "sent",
    }
    (mail,) = smtp.messages
    assert "http://testserver/services/moi.vehicle-registration-renewal" in body_of(mail) or (
        "/services/moi.vehicle-registration-renewal" in body_of(mail)
    )
    # The company's owner hears in the inbox only (she chose no channel), in Arabic, of her company
    # by name (tests/integration/test_company_reminders.py: its signatories and representatives too).
    (owner,) = Message.objects.filter(recipient__civil_id=demo["owner"], event="company_licence_expiring")
    assert owner.subject.startswith("تذكير: تنتهي صلاحية الرخصة التجارية لشركتك شركة الرشيدي")
    assert owner.link == "/services/moci.commercial-licence-renewal"
    assert not Delivery.objects.filter(topic=f"message:{owner.pk}").exists()
    company = CompanyRole.objects.get(person__civil_id=demo["owner"]).company_id
    assert Reminder.objects.get(record=f"commercial_licence:{company}", days_before=30).outcome == "told"


def test_a_person_without_an_account_is_not_messaged(demo):
    Person.objects.filter(civil_id=demo["worker"]).update(residency_expiry=later(20))

    swept = sweep(today())
    run_tasks()

    (row,) = Reminder.objects.filter(civil_id=demo["worker"], days_before=30)
    assert (row.document, row.outcome, row.renew) == (
        "residency",
        "no_account",
        "moi.residency-renewal-domestic-worker",
    )
    assert not Message.objects.filter(recipient__civil_id=demo["worker"]).exists()
    assert swept.no_account >= 1
    # Nobody was told in her place (her sponsor is not her guardian).
    assert (
        not Reminder.objects.filter(holder_civil_id=demo["worker"]).exclude(civil_id=demo["worker"]).exists()
    )
    assert (
        Event.objects.filter(type="reminder.due").count() == Reminder.objects.filter(outcome="told").count()
    )


def test_what_is_coming_up_for_a_person_and_their_children(demo, django_assert_num_queries):
    passport_of(demo["father"], 60)
    passport_of(demo["daughter"], 100)
    passport_of(demo["mother"], 181)  # not yet inside 180 days

    with django_assert_num_queries(2):
        found = reminders.coming_up(demo["father"], today())

    assert [(c.document, c.days_left, c.renew, c.holder_civil_id) for c in found] == [
        ("passport", 60, "moi.passport-renewal", demo["father"]),
        ("passport", 100, "moi.passport-renewal", demo["daughter"]),
    ]
    assert (
        found[0].child is None and found[1].child is not None and found[1].child.en == "Sara Ahmad Al-Mutairi"
    )
    assert reminders.coming_up(demo["mother"], today())[0].holder_civil_id == demo["daughter"]


def test_the_api_lists_the_persons_own_reminders_only(demo, login):
    passport_of(demo["father"], 60)
    passport_of(demo["daughter"], 100)
    sweep(today())
    father, expat = login(demo["father"], "en"), login(demo["expat"], "en")

    assert Client().get("/api/v1/me/reminders").status_code == 401
    mine = json.loads(father.get("/api/v1/me/reminders").content)
    assert [(c["document"], c["days_left"], c["for_child"]) for c in mine["coming_up"]] == [
        ("passport", 60, False),
        ("passport", 100, True),
    ]
    assert mine["coming_up"][1]["child"] == {"ar": "سارة أحمد المطيري", "en": "Sara Ahmad Al-Mutairi"}
    assert mine["coming_up"][0]["name"] == {"ar": "جواز السفر", "en": "Passport"}
    assert sorted((s["document"], s["days_before"], s["for_child"]) for s in mine["sent"]) == [
        ("passport", 60, False),
        ("passport", 180, True),  # the daughter's, 100 days ahead
    ]
    theirs = json.loads(expat.get("/api/v1/me/reminders").content)
    assert [c["document"] for c in theirs["coming_up"]] == ["vehicle_registration"]
    assert all(s["document"] != "passport" for s in theirs["sent"])
