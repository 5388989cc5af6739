"""E-mail through a real SMTP server started by the test (aiosmtpd): the language and content that
arrive, retries while the server is down, and never a second copy after a worker dies mid-send."""

from __future__ import annotations

import datetime as dt
import email
import socket
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from sahl.applications.models import Application
from sahl.events import tasks as events
from sahl.events.models import Handling
from sahl.identity.models import User
from sahl.notifications import adapters
from sahl.notifications.channels import header_id, message_id_of
from sahl.notifications.models import Message
from sahl.outbox import rules
from sahl.outbox.models import Attempt, Delivery
from sahl.outbox.tasks import deliver
from tests.integration.conftest import apply, paid, proof_of_payment, reference_of, run_tasks

pytestmark = pytest.mark.django_db


class Mailbox:
    """What the SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        parsed = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.mailbox.messages


@pytest.fixture
def smtp(settings):
    """An SMTP server on a free port of 127.0.0.1, not yet started; Sahl sends there."""
    server = SmtpServer(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def wants_email(login, civil_id: str, language: str, address: str):
    client = login(civil_id, language)
    saved = client.post(
        "/account/notifications",
        {"email": address, "phone": "", "notify_by_email": "1", "language": language},
    )
    assert saved.status_code == 302, saved.content.decode()[:400]
    return client


def sell_the_fathers_car(login, demo) -> str:
    father = login(demo["father"])
    answers = {"plate_number": "12-10001", "buyer_civil_id": demo["expat"], "payment_method": "bank_transfer"}
    return reference_of(apply(father, "moi.vehicle-ownership-transfer", answers, proof_of_payment()))


def emails_to(civil_id: str):
    """The e-mail deliveries of the person's messages (the outbox knows them by their topic)."""
    topics = [
        f"message:{pk}"
        for pk in Message.objects.filter(recipient__civil_id=civil_id).values_list("pk", flat=True)
    ]
    return Delivery.objects.filter(topic__in=topics, channel="email")


def write_the_messages() -> None:
    """Run only what the events ask of notifications (the messages and their deliveries), not the
    deliveries' own tasks, as a worker that has not got to those yet."""
    for handling in Handling.objects.filter(state=Handling.State.PENDING).order_by("pk"):
        events.run(handling.pk)


def attempts_of(delivery: Delivery) -> list[str]:
    return list(
        Attempt.objects.filter(delivery=delivery).order_by("at", "pk").values_list("outcome", flat=True)
    )


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("ar", "مطلوبة موافقتك على المعاملة رقم {reference}: نقل ملكية مركبة", "لتوافق عليها أو ترفضها"),
        (
            "en",
            "Your agreement is needed on application {reference}: Vehicle ownership transfer",
            "agree or decline",
        ),
    ],
)
def test_the_buyer_gets_an_email_in_their_language_asking_for_agreement(
    login, demo, smtp, language, subject, words
):
    smtp.start()
    wants_email(login, demo["expat"], language, "rajesh@example.com")
    reference = sell_the_fathers_car(login, demo)  # the father's pages are in Arabic: irrelevant to the buyer

    run_tasks()

    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received["To"] == "rajesh@example.com"
    assert received["Subject"].strip() == subject.format(reference=reference)
    assert received["Content-Language"] == language
    body = body_of(received)
    assert words in body and reference in body
    assert f"http://localhost:8000/applications/{reference}" in body
    assert demo["father"] not in body and demo["expat"] not in body  # no civil IDs in an e-mail
    delivery = emails_to(demo["expat"]).get()
    assert received["Message-ID"] == header_id(delivery)
    assert received["Message-ID"].startswith(f"<{delivery.key.hex}@")  # the same for every attempt
    assert delivery.state == "sent" and delivery.sent_at is not None and delivery.attempts == 1
    assert attempts_of(delivery) == ["sent"]
    html = received.get_body(preferencelist=("html",))
    assert html is not None and f'dir="{"rtl" if language == "ar" else "ltr"}"' in html.get_content()


def test_the_caseworkers_request_reaches_the_applicant_by_email_with_its_words(login, demo, smtp):
    from sahl.registry.models import Passport

    smtp.start()
    father = wants_email(login, demo["father"], "en", "ahmad@example.com")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = paid(
        father, apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
    )
    caseworker = login(demo["caseworker"])
    assert caseworker.post(f"/backoffice/cases/{reference}/take").status_code == 302
    asked = caseworker.post(
        f"/backoffice/cases/{reference}/request-information",
        {"message": "Please upload a photo on a white background", "document_code": ""},
    )
    assert asked.status_code == 302

    run_tasks()

    subjects = [m["Subject"].strip() for m in smtp.messages]
    assert f"Action needed on your application {reference}" in subjects
    asked_mail = next(m for m in smtp.messages if m["Subject"].strip().startswith("Action needed"))
    assert "Please upload a photo on a white background" in body_of(asked_mail)
    assert "Ministry of Interior" in body_of(asked_mail)
    # One e-mail per e-mail delivery, each with its own Message-ID; the inbox has every message.
    deliveries = emails_to(demo["father"])
    assert sorted(m["Message-ID"] for m in smtp.messages) == sorted(header_id(d) for d in deliveries)
    assert {d.state for d in deliveries} == {"sent"}
    events = set(Message.objects.filter(recipient__civil_id=demo["father"]).values_list("event", flat=True))
    # One message per step: paying sent it to the agency (payment_received), then the request.
    assert {"payment_received", "info_requested"} <= events


def test_when_the_smtp_server_is_down_the_email_waits_and_goes_once_it_is_back(
    login, demo, smtp, monkeypatch
):
    wants_email(login, demo["expat"], "en", "rajesh@example.com")
    sell_the_fathers_car(login, demo)

    run_tasks()  # nothing listens on the port: connection refused

    delivery = emails_to(demo["expat"]).get()
    assert delivery.state == "retrying"
    assert delivery.attempts == 1 and delivery.last_error == "connection-refused"
    assert delivery.next_attempt_at is not None and delivery.next_attempt_at > timezone.now()
    assert attempts_of(delivery) == ["retry"]
    page = login(demo["expat"], "en").get(f"/inbox/{message_id_of(delivery)}").content.decode()
    assert "Not sent yet, will try again" in page

    smtp.start()
    run_tasks()  # the retry is not due yet
    assert smtp.messages == []

    later = delivery.next_attempt_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    run_tasks()
    run_tasks()

    assert len(smtp.messages) == 1
    delivery.refresh_from_db()
    assert delivery.state == "sent" and delivery.attempts == 2
    assert attempts_of(delivery) == ["retry", "sent"]
    assert smtp.messages[0]["Message-ID"] == header_id(delivery)


def test_a_worker_killed_mid_send_leaves_the_email_uncertain_and_it_is_never_sent_again(
    login, demo, smtp, monkeypatch
):
    smtp.start()
    wants_email(login, demo["expat"], "ar", "rajesh@example.com")
    sell_the_fathers_car(login, demo)
    real_send = adapters.send_email

    def send_then_die(message):
        real_send(message)  # the server took it...
        raise SystemExit("worker killed")  # ...and the worker died before recording it

    monkeypatch.setattr(adapters, "send_email", send_then_die)
    run_tasks()
    monkeypatch.setattr(adapters, "send_email", real_send)

    delivery = emails_to(demo["expat"]).get()
    assert delivery.state == "sending" and len(smtp.messages) == 1

    deliver.enqueue(delivery.pk)  # even a duplicate task for it...
    run_tasks()
    assert len(smtp.messages) == 1  # ...does not send while the claim is fresh

    # The sweep runs while the claim is still fresh: it leaves it alone.
    call_command("outbox_sweep", verbosity=0)
    delivery.refresh_from_db()
    assert delivery.state == "sending"

    stale = dt.timedelta(seconds=delivery.timeout_seconds + rules.CLAIM_GRACE + 60)
    later = timezone.now() + stale
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("outbox_sweep", verbosity=0)
    delivery.refresh_from_db()
    assert delivery.state == "uncertain" and attempts_of(delivery) == ["cut_off"]

    deliver.enqueue(delivery.pk)
    run_tasks()
    call_command("outbox_sweep", verbosity=0)  # nor does the sweep queue it again
    run_tasks()
    assert len(smtp.messages) == 1
    delivery.refresh_from_db()
    assert delivery.state == "uncertain" and delivery.attempts == 1

    # The person sees it is uncertain; operators see it, and only they decide to send it again.
    person = login(demo["expat"], "en").get(f"/inbox/{message_id_of(delivery)}").content.decode()
    assert "Uncertain, being checked by our operators" in person
    operator = User.objects.get(civil_id=demo["paci-staff"])
    operator.is_staff = True
    operator.save(update_fields=["is_staff"])
    staff = login(demo["paci-staff"], "en")
    page = staff.get("/operators/outbox?channel=email&state=uncertain").content.decode()
    assert "Uncertain" in page and f"/operators/outbox/{delivery.pk}/send-again" in page
    assert staff.get("/operators/deliveries").status_code == 301  # the old address still leads there
    father = login(demo["father"])
    assert father.get("/operators/outbox").status_code == 404
    assert father.post(f"/operators/outbox/{delivery.pk}/send-again").status_code == 404
    assert len(smtp.messages) == 1

    assert staff.post(f"/operators/outbox/{delivery.pk}/send-again").status_code == 302
    run_tasks()
    assert len(smtp.messages) == 2  # sent again by the operator's decision, with the same Message-ID
    assert smtp.messages[1]["Message-ID"] == smtp.messages[0]["Message-ID"] == header_id(delivery)
    delivery.refresh_from_db()
    assert delivery.state == "sent" and attempts_of(delivery) == ["cut_off", "sent"]
    assert staff.post(f"/operators/outbox/{delivery.pk}/send-again").status_code == 409  # sent: not again


def test_a_stale_claim_found_by_the_task_itself_is_uncertain_not_resent(login, demo, smtp):
    smtp.start()
    wants_email(login, demo["expat"], "en", "rajesh@example.com")
    sell_the_fathers_car(login, demo)
    write_the_messages()
    delivery = emails_to(demo["expat"]).get()
    # A worker claimed it half an hour ago and never came back.
    Delivery.objects.filter(pk=delivery.pk).update(
        state="sending", claimed_at=timezone.now() - dt.timedelta(minutes=30), attempts=1
    )

    run_tasks()

    delivery.refresh_from_db()
    assert delivery.state == "uncertain" and smtp.messages == []
    assert delivery.attempts == 1 and attempts_of(delivery) == ["cut_off"]
    assert "Uncertain" in login(demo["expat"], "en").get(f"/inbox/{message_id_of(delivery)}").content.decode()


def test_after_its_last_attempt_the_email_is_given_up_and_never_sent_by_itself(
    login, demo, smtp, monkeypatch
):
    wants_email(login, demo["expat"], "en", "rajesh@example.com")
    sell_the_fathers_car(login, demo)
    write_the_messages()
    delivery = emails_to(demo["expat"]).get()
    # Retries an hour apart at most, 120 attempts: more than a weekend's outage.
    assert delivery.max_attempts == 120
    # All but one attempt already failed while the server was down; it still is.
    Delivery.objects.filter(pk=delivery.pk).update(attempts=delivery.max_attempts - 1)

    run_tasks()

    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.attempts == 120 and delivery.next_attempt_at is None
    assert delivery.last_error == "gave up after 120 attempts: connection-refused"
    page = login(demo["expat"], "en").get(f"/inbox/{message_id_of(delivery)}").content.decode()
    assert "Could not be sent" in page

    smtp.start()  # the server is back: a given-up e-mail waits for an operator, not for the sweep
    later = timezone.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("outbox_sweep", verbosity=0)
    run_tasks()
    assert smtp.messages == []
    delivery.refresh_from_db()
    assert delivery.state == "failed"


def test_an_address_the_server_refuses_for_good_is_not_retried(login, demo, smtp, monkeypatch):
    smtp.start()
    wants_email(login, demo["expat"], "en", "rajesh@example.com")
    sell_the_fathers_car(login, demo)

    async def refuse(server, session, envelope, address, rcpt_options):
        return "550 No such mailbox"

    smtp.mailbox.handle_RCPT = refuse  # type: ignore[attr-defined]
    run_tasks()
    delivery = emails_to(demo["expat"]).get()
    assert delivery.state == "failed" and delivery.last_error == "smtp-550"
    assert delivery.attempts == 1 and attempts_of(delivery) == ["failed"]
    assert smtp.messages == []


def test_nothing_is_sent_when_the_change_rolls_back(login, demo, smtp):
    from django.db import transaction

    smtp.start()
    wants_email(login, demo["expat"], "en", "rajesh@example.com")
    before = Delivery.objects.count(), Handling.objects.count(), Message.objects.count()

    def file_then_fail() -> None:
        with transaction.atomic():
            sell_the_fathers_car(login, demo)
            raise RuntimeError("the transfer failed after filing")

    with pytest.raises(RuntimeError):
        file_then_fail()
    assert (Delivery.objects.count(), Handling.objects.count(), Message.objects.count()) == before
    assert not Application.objects.filter(service__code="moi.vehicle-ownership-transfer").exists()
    run_tasks()
    assert smtp.messages == []
