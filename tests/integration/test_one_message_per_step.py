"""Issue 17, point 11: one message per step. An instant renewal filed and paid at once tells the
person once that it is done (inbox, e-mail through a real SMTP server, SMS); a filing left unpaid
still asks for the fee, a while later, by every channel the person chose."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sahl.applications.models import Application
from sahl.notifications.models import Message
from sahl.outbox.models import Delivery
from sahl.sms_sim.models import SimulatedSms
from tests.integration.conftest import apply, pay, reference_of, run_tasks
from tests.integration.test_notifications_email import body_of, smtp  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

RENEWAL = "moi.vehicle-registration-renewal"
PHONE = "+96560001234"


def wants_everything(login, civil_id: str, language: str):
    """A person who hears by e-mail and SMS too."""
    client = login(civil_id, language)
    saved = client.post(
        "/account/notifications",
        {
            "email": "rajesh@example.com",
            "phone": PHONE,
            "notify_by_email": "1",
            "notify_by_sms": "1",
            "language": language,
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:400]
    return client


def when_due_later() -> None:
    """Time passes: what was queued for later is due now (the worker then runs it)."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    run_tasks()


def counted(civil_id: str, smtp) -> tuple[list[str], int, int]:  # noqa: F811
    """What reached the person: inbox messages (their events), e-mails received, SMS sent."""
    events = list(
        Message.objects.filter(recipient__civil_id=civil_id).order_by("pk").values_list("event", flat=True)
    )
    return events, len(smtp.messages), SimulatedSms.objects.filter(to=PHONE).count()


@pytest.mark.parametrize("language", ["ar", "en"])
def test_an_instant_renewal_paid_at_once_sends_one_message_that_it_is_done(login, demo, smtp, language):  # noqa: F811
    smtp.start()
    expat = wants_everything(login, demo["expat"], language)

    reference = reference_of(apply(expat, RENEWAL, {"plate_number": "45-20002"}))
    pay(expat, reference)  # straight from the application to the gateway and back
    run_tasks()
    when_due_later()  # and after the "please pay" would have gone: it does not

    assert Application.objects.get(reference=reference).state == "completed"
    assert counted(demo["expat"], smtp) == (["completed"], 1, 1)
    done = Message.objects.get(recipient__civil_id=demo["expat"])
    mail = smtp.messages[0]
    assert mail["Subject"].strip() == done.subject and reference in done.subject
    assert ("Hawiyati" if language == "en" else "هويتي") in body_of(mail)
    sms = SimulatedSms.objects.get(to=PHONE)
    assert reference in sms.text
    assert {d.state for d in Delivery.objects.filter(topic=f"message:{done.pk}")} == {"sent"}


def test_a_filing_left_unpaid_still_asks_for_the_fee_by_every_channel(login, demo, smtp):  # noqa: F811
    smtp.start()
    expat = wants_everything(login, demo["expat"], "en")

    reference = reference_of(apply(expat, RENEWAL, {"plate_number": "45-20002"}))
    run_tasks()
    assert counted(demo["expat"], smtp) == ([], 0, 0)  # maybe on the gateway's page right now

    when_due_later()  # the person left without paying: the step stopped there

    assert counted(demo["expat"], smtp) == (["payment_due"], 1, 1)
    assert smtp.messages[0]["Subject"].strip() == f"The fee for your application {reference} is due"
    assert "KWD 10.000" in SimulatedSms.objects.get(to=PHONE).text

    pay(expat, reference)  # paying later: one message more, that it is done
    run_tasks()
    when_due_later()
    assert counted(demo["expat"], smtp) == (["payment_due", "completed"], 2, 2)


def test_an_application_withdrawn_while_the_reminder_waits_is_not_asked_to_pay(login, demo):
    expat = login(demo["expat"], "en")
    reference = reference_of(apply(expat, RENEWAL, {"plate_number": "45-20002"}))
    assert expat.post(f"/applications/{reference}/withdraw").status_code == 302
    run_tasks()
    when_due_later()
    assert list(
        Message.objects.filter(recipient__civil_id=demo["expat"]).values_list("event", flat=True)
    ) == ["withdrawn"]
