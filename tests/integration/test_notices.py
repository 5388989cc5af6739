"""Official notices: an agency sends one to a civil ID, with proof of delivery and of reading that
the agency sees; a minor's guardians are told; a person without an account gets it on opening one."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from sahl.core.civil_id import make_civil_id
from sahl.identity.models import User
from sahl.identity.services import open_account
from sahl.notifications.models import Message, Notice, NoticeLog, NoticeRecipient
from sahl.registry.adapters import registers
from sahl.registry.models import Person
from sahl.sms_sim.models import SimulatedSms
from tests.conftest import DEMO_PASSWORD
from tests.integration.conftest import run_tasks, send_notice

pytestmark = pytest.mark.django_db

SUMMONS = {
    "subject": "استدعاء للحضور أمام المحكمة",
    "body": "يُرجى الحضور إلى محكمة الرقعي، الدائرة المدنية الثالثة، الساعة التاسعة صباحاً.",
}


def send(client, civil_id: str, **extra):
    """Check the addressee, then confirm (the agency's page sends in two steps)."""
    return send_notice(client, {"civil_id": civil_id, **SUMMONS, **extra})


def reference_in(response) -> str:
    assert response.status_code == 302, response.content.decode()[:600]
    return response["Location"].rsplit("/", 1)[1]


def log_of(reference: str) -> list[tuple[str, str, str]]:
    return list(NoticeLog.objects.filter(notice__reference=reference).values_list("event", "role", "channel"))


def test_a_notice_is_delivered_then_read_and_the_agency_sees_both(login, demo):
    staff = login(demo["caseworker"], "en")
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    reference = reference_in(send(staff, demo["father"], due_on=due))

    message = Message.objects.get(recipient__civil_id=demo["father"], kind="notice")
    recipient = NoticeRecipient.objects.get(notice__reference=reference)
    assert recipient.role == "addressee" and recipient.delivered_at == message.created_at
    assert message.subject == "إشعار رسمي من وزارة الداخلية: استدعاء للحضور أمام المحكمة"
    assert SUMMONS["body"] in message.body and f"الموعد المحدد: {due}" in message.body
    assert log_of(reference) == [("sent", "", ""), ("delivered", "addressee", "")]

    page = staff.get(f"/backoffice/notices/{reference}").content.decode()
    assert "Delivered to the inbox" in page and "Not yet" in page

    father = login(demo["father"])
    reading = father.get(f"/inbox/{message.pk}").content.decode()
    assert SUMMONS["body"] in reading and reference in reading and "وزارة الداخلية" in reading
    recipient.refresh_from_db()
    assert recipient.read_at is not None
    father.get(f"/inbox/{message.pk}")  # reading again records nothing new
    assert log_of(reference)[-1] == ("read", "addressee", "")
    assert [e for e, *_ in log_of(reference)].count("read") == 1

    page = staff.get(f"/backoffice/notices/{reference}").content.decode()
    assert "Opened and read" in page and "Not yet" not in page
    assert timezone.localtime(recipient.read_at).strftime("%Y-%m-%d %H:%M:%S") in page
    listing = staff.get("/backoffice/notices").content.decode()
    assert reference in listing and "1 / 1" in listing

    detail = staff.get(f"/api/v1/notices/{reference}").json()
    (addressee,) = detail["recipients"]
    assert addressee["delivered_at"] and addressee["read_at"] and addressee["role_text"]["en"] == "Addressee"
    assert [e["event"] for e in detail["log"]] == ["sent", "delivered", "read"]


def test_the_log_is_append_only(login, demo):
    reference = reference_in(send(login(demo["caseworker"]), demo["father"]))
    entry = NoticeLog.objects.filter(notice__reference=reference).first()
    assert entry is not None
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_a_minors_guardians_are_notified_and_see_who_else_was(login, demo):
    staff = login(demo["caseworker"], "en")
    reference = reference_in(send(staff, demo["newborn"]))

    roles = dict(NoticeRecipient.objects.filter(notice__reference=reference).values_list("civil_id", "role"))
    assert roles == {demo["newborn"]: "addressee", demo["father"]: "father", demo["mother"]: "mother"}
    father_message = Message.objects.get(recipient__civil_id=demo["father"], kind="notice")
    assert father_message.event == "notice_guardian"
    newborn = Person.objects.get(civil_id=demo["newborn"])
    child = "ابنتك" if newborn.sex == "F" else "ابنك"
    assert father_message.subject.startswith(f"إشعار رسمي إلى {child} {newborn.name_ar} من وزارة الداخلية")
    assert Message.objects.filter(recipient__civil_id=demo["mother"], kind="notice").exists()

    father = login(demo["father"], "en")
    page = father.get(f"/inbox/{father_message.pk}").content.decode()
    assert "Also notified of this notice" in page
    assert "the person it is addressed to" in page and "the mother, as guardian" in page
    also = father.get(f"/api/v1/inbox/{father_message.pk}").json()["also_notified"]
    assert {"ar": "الأم، بصفتها وليّة الأمر", "en": "the mother, as guardian"} in also

    # The newborn has no account: the agency sees the notice waiting for them.
    events = log_of(reference)
    assert ("waiting", "addressee", "") in events
    assert ("delivered", "father", "") in events and ("delivered", "mother", "") in events
    page = staff.get(f"/backoffice/notices/{reference}").content.decode()
    assert (
        "Waiting: no Sahl account yet" in page and "Father (guardian)" in page and "Mother (guardian)" in page
    )


def test_a_notice_waits_for_someone_without_an_account_and_arrives_when_they_open_one(login, demo):
    staff = login(demo["caseworker"])
    reference = reference_in(send(staff, demo["daughter"]))
    assert not User.objects.filter(civil_id=demo["daughter"]).exists()
    waiting = NoticeRecipient.objects.get(notice__reference=reference, role="addressee")
    assert waiting.delivered_at is None

    user = open_account(registers().person(demo["daughter"]), DEMO_PASSWORD)

    waiting.refresh_from_db()
    assert waiting.delivered_at is not None
    message = Message.objects.get(recipient=user, kind="notice")
    assert message.notice_recipient_id == waiting.pk and message.event == "notice"
    assert User.objects.get(pk=user.pk).unread_messages == 1
    assert log_of(reference)[-1] == ("delivered", "addressee", "")
    page = login(demo["daughter"], "en").get(f"/inbox/{message.pk}").content.decode()
    assert "your father, as your guardian" in page and "your mother, as your guardian" in page


def test_the_notice_reaches_the_chosen_phone_and_the_agency_sees_when(login, demo):
    login(demo["father"]).post(
        "/account/notifications", {"phone": "55001122", "notify_by_sms": "1", "language": "en"}
    )
    reference = reference_in(send(login(demo["caseworker"]), demo["father"]))
    run_tasks()
    sms = SimulatedSms.objects.get(to="+96555001122")
    assert sms.text == f"Sahl: you have a new official notice, {reference}. Open it in Sahl."
    assert ("channel_sent", "addressee", "sms") in log_of(reference)
    detail = login(demo["caseworker"]).get(f"/api/v1/notices/{reference}").json()
    (delivery,) = detail["recipients"][0]["deliveries"]
    assert delivery["channel"] == "sms" and delivery["state"] == "sent" and delivery["sent_at"]


def test_an_sms_cut_off_by_a_dead_worker_is_logged_uncertain_for_the_agency_and_not_resent(
    login, demo, monkeypatch
):
    from django.core.management import call_command

    from sahl.notifications import channels
    from sahl.outbox import rules as outbox_rules

    login(demo["father"]).post(
        "/account/notifications", {"phone": "55001122", "notify_by_sms": "1", "language": "en"}
    )
    reference = reference_in(send(login(demo["caseworker"]), demo["father"]))
    real_gateway = channels.sms_gateway

    class SendThenDie:
        def send(self, to: str, text: str, reference: str) -> str:
            real_gateway().send(to, text, reference)  # the gateway took it...
            raise SystemExit("worker killed")  # ...and the worker died before recording it

    monkeypatch.setattr(channels, "sms_gateway", SendThenDie)
    run_tasks()
    monkeypatch.setattr(channels, "sms_gateway", real_gateway)
    assert SimulatedSms.objects.filter(to="+96555001122").count() == 1
    assert [e for e, *_ in log_of(reference)] == ["sent", "delivered"]  # nothing known yet

    from sahl.outbox.models import Delivery

    (delivery,) = Delivery.objects.filter(channel="sms", state="sending")  # claimed, never recorded
    later = timezone.now() + dt.timedelta(seconds=delivery.timeout_seconds + outbox_rules.CLAIM_GRACE + 60)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("outbox_sweep", verbosity=0)
    run_tasks()

    assert SimulatedSms.objects.filter(to="+96555001122").count() == 1
    assert log_of(reference)[-1] == ("channel_uncertain", "addressee", "sms")
    page = login(demo["caseworker"], "en").get(f"/backoffice/notices/{reference}").content.decode()
    assert "Alert sending uncertain" in page


def unknown_civil_id() -> str:
    serial = 9000
    while True:
        candidate = make_civil_id(dt.date(1990, 1, 1), serial)
        if candidate and not Person.objects.filter(civil_id=candidate.value).exists():
            return candidate.value
        serial += 1


@pytest.mark.parametrize(
    ("language", "civil_id", "text"),
    [
        ("ar", "unknown", "لا يوجد هذا الرقم المدني في السجل المدني."),
        ("en", "unknown", "This civil ID is not in the civil register."),
        ("en", "12345", "A civil ID has exactly 12 digits."),
    ],
)
def test_a_civil_id_not_in_the_registers_is_refused_and_nothing_is_sent(
    login, demo, language, civil_id, text
):
    staff = login(demo["caseworker"], language)
    answer = send(staff, unknown_civil_id() if civil_id == "unknown" else civil_id)
    assert answer.status_code == 400
    assert text in answer.content.decode()
    assert not Notice.objects.exists() and not Message.objects.filter(kind="notice").exists()


def test_a_notice_without_subject_or_with_a_past_due_date_is_refused(login, demo):
    staff = login(demo["caseworker"], "en")
    answer = staff.post(
        "/backoffice/notices",
        {"civil_id": demo["father"], "subject": " ", "body": "x", "due_on": "2001-01-01"},
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Write the notice&#x27;s subject" in page and "it cannot be in the past" in page
    assert not Notice.objects.exists()


def test_only_agency_staff_send_notices_and_only_their_agency_sees_them(login, demo):
    citizen = login(demo["father"])
    assert citizen.get("/backoffice/notices").status_code == 404
    assert send(citizen, demo["mother"]).status_code == 404
    assert not Notice.objects.exists()
    reference = reference_in(send(login(demo["caseworker"]), demo["father"]))
    other_agency = login(demo["paci-staff"])
    assert other_agency.get(f"/backoffice/notices/{reference}").status_code == 404
    assert reference not in other_agency.get("/backoffice/notices").content.decode()
    assert other_agency.get(f"/api/v1/notices/{reference}").status_code == 404
    assert reference not in other_agency.get("/api/v1/notices").content.decode()


def test_notices_through_the_api(login, demo):
    staff = login(demo["caseworker"], "en")
    created = staff.post(
        "/api/v1/notices",
        json.dumps({"civil_id": demo["mother"], "subject": "Court summons", "body": "Please attend."}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"].startswith("N-") and body["recipients"][0]["delivered_at"]
    refused = staff.post(
        "/api/v1/notices",
        json.dumps({"civil_id": unknown_civil_id(), "subject": "x", "body": "y"}),
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["fields"]["civil_id"]["ar"] == "لا يوجد هذا الرقم المدني في السجل المدني."
    assert [n["reference"] for n in staff.get("/api/v1/notices").json()] == [body["reference"]]
    assert login(demo["mother"]).get("/api/v1/notices").status_code == 404
