from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
import pytest
from django.test import Client

from tests.conftest import DEMO_PASSWORD


@pytest.fixture
def login(db):
    """`login(civil_id, language="ar")` gives a client logged in as that person."""

    def make(civil_id: str, language: str = "ar") -> Client:
        client = Client()
        client.cookies["sahl_language"] = language
        response = client.post("/accounts/login/", {"login": civil_id, "password": DEMO_PASSWORD})
        assert response.status_code == 302, "demo login failed"
        if "/2fa/authenticate" in response["Location"]:  # a demo person with an authenticator app
            response = client.post(response["Location"], {"code": totp_now(civil_id)})
        elif "/2fa/sms/login" in response["Location"]:  # a demo person with codes by SMS
            response = client.post(response["Location"], {"code": sms_code_for(civil_id)})
        assert "_auth_user_id" in client.session, "demo login failed"
        # Logging in turns the pages to the person's stored language; the test reads them in this one.
        client.cookies["sahl_language"] = language
        return client

    return make


def totp_now(civil_id: str) -> str:
    """The code the demo person's authenticator app shows now."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.utils import timezone

    from sahl.demo.management.commands.seed_demo import TWO_FACTOR
    from sahl.demo.registry import civil_id_for, demo_persons

    persons = demo_persons(timezone.localdate())
    key = next(p.key for i, p in enumerate(persons) if civil_id_for(p.birth_date, i + 1) == civil_id)
    return format_hotp_value(hotp_value(TWO_FACTOR[key], int(time.time()) // 30))


def sms_code_for(civil_id: str) -> str:
    """The code in the newest SMS the simulated gateway sent to the person's SMS second factor."""
    from sahl.identity.models import SmsFactor

    return newest_sms_code(SmsFactor.objects.get(user__civil_id=civil_id).phone)


def newest_sms_code(phone: str) -> str:
    """The 6-digit code in the newest SMS to `phone`, as the person reads it on their phone."""
    from sahl.sms_sim.models import SimulatedSms

    sms = SimulatedSms.objects.filter(to=phone).order_by("-pk").first()
    assert sms is not None, "no SMS was sent to this number"
    match = re.search(r"\b(\d{6})\b", sms.text)
    assert match, "the SMS carries no code"
    return match.group(1)


class Clock:
    """Identity's clock, moved on by the test (codes expire, throttles' windows end) without waiting."""

    def __init__(self) -> None:
        from django.utils import timezone

        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, **delta: float) -> None:
        import datetime as dt

        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    moved = Clock()
    monkeypatch.setattr("sahl.identity.services.clock", moved)
    monkeypatch.setattr("sahl.identity.throttle.now", lambda: moved().timestamp())  # its counters too
    return moved


def form_key(client: Client, code: str) -> str:
    """The idempotency key the apply form carries, as a browser would send it back."""
    html = client.get(f"/services/{code}/apply").content.decode()
    match = re.search(r'name="idempotency_key" value="(\w+)"', html)
    assert match, "the apply form has no idempotency key (not eligible?)"
    return match.group(1)


def apply(client: Client, code: str, answers: dict, files: dict | None = None, key: str | None = None):
    return client.post(
        f"/services/{code}/apply",
        answers | (files or {}) | {"idempotency_key": key or form_key(client, code)},
    )


def reference_of(response) -> str:
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"].rsplit("/", 1)[1]


class DjangoTransport(httpx.BaseTransport):
    """An httpx transport that hands the HTTP request to Django's test client: real requests and
    responses (headers, body, signatures), served in-process inside the test's transaction."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        from django.utils import translation

        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        with translation.override(translation.get_language()):  # the served request sets its own
            response = Client().generic(
                request.method,
                request.url.raw_path.decode(),
                data=request.read(),
                content_type=request.headers.get("content-type", ""),
                headers=headers,
            )
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return httpx.Response(response.status_code, headers=dict(response.items()), content=body)


@pytest.fixture(autouse=True)
def _gateway_in_process(monkeypatch):
    """Sahl and the simulated gateway talk HTTP to each other, carried in-process."""

    def client() -> httpx.Client:
        return httpx.Client(transport=DjangoTransport(), timeout=10.0, follow_redirects=False)

    monkeypatch.setattr("sahl.payments.adapters.http_client", client)
    monkeypatch.setattr("sahl.knet_sim.tasks.http_client", client)


def local(url: str) -> str:
    """The path and query of an absolute address (the test client serves every host)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


CARDS = {"ok": "4242424242424242", "declined": "4000000000000002", "timeout": "4000000000000119"}


def pay(client: Client, reference: str, card: str = "ok", cancel: bool = False):
    """Pay as a person would: Sahl sends them to the gateway page, they pay, the gateway sends them back."""
    to_gateway = client.post(f"/applications/{reference}/pay")
    assert to_gateway.status_code == 302, to_gateway.content.decode()[:300]
    page = local(to_gateway["Location"])
    form = (
        {"cancel": "1"}
        if cancel
        else {"card_number": CARDS[card], "expiry": "12/29", "pin": "1234", "pay": "1"}
    )
    back = client.post(page, form)
    assert back.status_code == 302
    return client.get(local(back["Location"]), follow=True)


def run_tasks() -> None:
    """Run what is queued, as the worker would, inside the test's transaction."""
    from unittest import mock

    from django.core.management import call_command

    # The worker closes "old" connections between tasks; here that would close the test's own.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def paid(client: Client, response) -> str:
    """The reference of a filed application, after paying its fee if one is due."""
    reference = reference_of(response)
    from sahl.applications.models import Application

    if Application.objects.get(reference=reference).state == "awaiting_payment":
        pay(client, reference)
    return reference


def confirmation_in(response) -> str:
    """The confirmation a notice's second step carries (the addressee's name was shown)."""
    match = re.search(r'name="confirmation" value="([^"]+)"', response.content.decode())
    assert match, f"no confirmation step ({response.status_code}): {response.content.decode()[:500]}"
    return match.group(1)


def send_notice(client: Client, fields: dict[str, str]):
    """Send an official notice as a caseworker does on the page: check the addressee (their name is
    shown), then confirm. A first step refused is returned as it is."""
    checked = client.post("/backoffice/notices", fields)
    if checked.status_code != 200:
        return checked
    from html import unescape

    confirmed = {"step": "confirm", "confirmation": unescape(confirmation_in(checked))}
    return client.post("/backoffice/notices", fields | confirmed)


def proof_of_payment() -> dict:
    """The receipt a sale paid through a bank carries (a PNG), as `apply`'s files."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    receipt = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    return {"proof_of_payment": SimpleUploadedFile("receipt.png", receipt, content_type="image/png")}


RENDERER = "sahl.applications.rendering.document_issued"


def documents_rendered() -> list[str]:
    """What the task worker does just after a decision: render the issued documents' PDFs (each
    decision's `document.issued` queued the task). What each run did, in order."""
    from sahl.events import tasks
    from sahl.events.models import Handling

    pending = Handling.objects.filter(subscriber=RENDERER, state=Handling.State.PENDING).order_by("pk")
    return [tasks.run(pk) for pk in pending.values_list("pk", flat=True)]


@pytest.fixture
def tree(tmp_path):
    """A copy of the real service definitions that a test may change."""
    import shutil

    from sahl.catalogue.files import DEFINITIONS

    root = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, root)
    return root
