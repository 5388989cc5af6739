"""Web Push as a channel of the outbox (ADR 0055): a person turns notifications on for a device from
the notification settings page; an alert then reaches the device's push service, encrypted to the
device's keys (aes128gcm, RFC 8291) and signed with Sahl's VAPID key (RFC 8292). The push service
here is a small HTTP server on the loopback; the test decrypts what it received as the browser would."""

from __future__ import annotations

import base64
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from joserfc import jws
from joserfc.jwk import ECKey

from sahl.identity.models import User
from sahl.notifications.models import Message, PushSubscription
from sahl.notifications.push_service import public_key
from sahl.outbox.models import Delivery, Destination
from tests.integration.conftest import run_tasks
from tests.integration.test_notifications import sell_the_fathers_car

pytestmark = pytest.mark.django_db

PREFS = "/account/notifications"
DEVICES = "/account/notifications/devices"
CHROME_ON_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Device:
    """A browser's side of a subscription: its P-256 key pair and authentication secret."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def subscription(self) -> dict:
        point = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64(point), "auth": b64(self.auth)}}

    def decrypt(self, body: bytes) -> dict:
        return json.loads(
            http_ece.decrypt(body, private_key=self.private, auth_secret=self.auth, version="aes128gcm")
        )


class PushService:
    """A push service on the loopback: records what it receives; answers 201, or what a path asks."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.answer_for: dict[str, int] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                service.received.append((self.path, dict(self.headers.items()), body))
                self.send_response(service.answer_for.get(self.path, 201))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def device(self, name: str) -> Device:
        return Device(f"{self.base}/push/{name}")


@pytest.fixture
def push_service():
    service = PushService()
    yield service
    service.server.shutdown()
    service.server.server_close()


def with_csrf(client: Client) -> tuple[Client, str]:
    client.handler.enforce_csrf_checks = True
    page = client.get(PREFS).content.decode()
    return client, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def turn_on(client: Client, subscription: dict, token: str):
    return client.post(
        DEVICES,
        json.dumps(subscription),
        content_type="application/json",
        headers={"X-CSRFToken": token, "User-Agent": CHROME_ON_ANDROID},
    )


def test_an_alert_reaches_the_device_encrypted_to_its_keys_with_the_inbox_title_and_a_link(
    login, demo, push_service
):
    # Given the buyer turned notifications on for his phone
    buyer, token = with_csrf(login(demo["expat"], "en"))
    phone = push_service.device("phone")
    answer = turn_on(buyer, phone.subscription(), token)
    assert answer.status_code == 201 and answer.json()["label"] == "Chrome · Android"
    page = buyer.get(PREFS).content.decode()
    assert "Chrome · Android" in page and public_key() in page

    # When the father sells him his car, and the buyer is asked to agree
    sell_the_fathers_car(login, demo)
    run_tasks()

    # Then his phone's push service received one push, signed with Sahl's VAPID key
    [(path, headers, body)] = push_service.received
    assert path == "/push/phone"
    assert headers["Content-Encoding"] == "aes128gcm" and int(headers["TTL"]) > 0
    scheme, _, params = headers["Authorization"].partition(" ")
    fields = dict(part.split("=", 1) for part in params.split(","))
    assert scheme == "vapid" and fields["k"] == public_key()
    point = base64.urlsafe_b64decode(fields["k"] + "==")
    key = ECKey.import_key(ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point))
    claims = json.loads(jws.deserialize_compact(fields["t"], key, algorithms=["ES256"]).payload)
    assert claims["aud"] == push_service.base and claims["sub"]

    # And the device reads the message's inbox title and its link, in his language, and no more
    message = Message.objects.get(recipient__civil_id=demo["expat"], event="consent_requested")
    pushed = phone.decrypt(body)
    assert pushed == {
        "title": message.subject,
        "url": message.link,
        "lang": "en",
        "tag": f"message-{message.pk}",
    }
    assert demo["expat"] not in json.dumps(pushed) and demo["father"] not in json.dumps(pushed)
    delivery = Delivery.objects.get(channel="push")
    assert delivery.state == "sent" and delivery.topic == f"message:{message.pk}"
    assert PushSubscription.objects.get().last_success_at is not None
    # And the message's page lists the push among its deliveries
    assert "Notification on a device" in buyer.get(f"/inbox/{message.pk}").content.decode()


def test_a_device_the_push_service_says_is_gone_is_removed(login, demo, push_service):
    buyer, token = with_csrf(login(demo["expat"], "en"))
    for name in ("gone", "phone"):
        assert turn_on(buyer, push_service.device(name).subscription(), token).status_code == 201
    push_service.answer_for["/push/gone"] = 410

    sell_the_fathers_car(login, demo)
    run_tasks()

    assert {path for path, _, _ in push_service.received} == {"/push/gone", "/push/phone"}
    assert [s.endpoint for s in PushSubscription.objects.all()] == [f"{push_service.base}/push/phone"]
    assert sorted(Delivery.objects.filter(channel="push").values_list("state", flat=True)) == [
        "failed",
        "sent",
    ]
    # A subscription that is gone says nothing about the push service: its breaker stays closed
    assert Destination.objects.get(name="push:127.0.0.1").failures_in_a_row == 0


def test_a_push_service_that_fails_is_tried_again_by_the_outbox(login, demo, push_service):
    buyer, token = with_csrf(login(demo["expat"], "en"))
    assert turn_on(buyer, push_service.device("busy").subscription(), token).status_code == 201
    push_service.answer_for["/push/busy"] = 503

    sell_the_fathers_car(login, demo)
    run_tasks()

    delivery = Delivery.objects.get(channel="push")
    assert delivery.state == "retrying" and delivery.next_attempt_at is not None
    assert delivery.last_error == "http-503" and PushSubscription.objects.count() == 1


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1:9/push/x",  # the loopback, in plain http
        "https://127.0.0.1/push/x",  # an address, not a push service's name
        "https://10.0.0.7/push/x",
        "https://[::1]/push/x",
        "https://169.254.169.254/latest/meta-data",  # the cloud's metadata service
        "https://localhost/push/x",
        "https://push.internal/x",
        "https://fcm.googleapis.com:8443/fcm/send/x",  # another port
        "http://fcm.googleapis.com/fcm/send/x",  # not https
        "https://user:pw@fcm.googleapis.com/fcm/send/x",
        "ftp://fcm.googleapis.com/x",
        "not a url",
    ],
)
def test_in_production_an_endpoint_sahl_must_not_call_is_refused_when_subscribing(
    login, demo, settings, endpoint
):
    settings.SAHL_PUSH_ALLOW_LOOPBACK = False
    client, token = with_csrf(login(demo["expat"], "ar"))
    subscription = Device(endpoint).subscription()
    answer = turn_on(client, subscription, token)
    assert answer.status_code == 400
    assert answer.json()["error"] == "خدمة الإشعارات في هذا المتصفح ليست مما يرسل إليه سهل. جرّب متصفحًا آخر."
    assert PushSubscription.objects.count() == 0


def test_in_production_a_public_push_service_is_accepted(login, demo, settings):
    settings.SAHL_PUSH_ALLOW_LOOPBACK = False
    client, token = with_csrf(login(demo["expat"], "en"))
    answer = turn_on(client, Device("https://fcm.googleapis.com/fcm/send/abc:def").subscription(), token)
    assert answer.status_code == 201


def test_a_name_that_resolves_inside_is_refused_when_called(login, demo, settings, monkeypatch, push_service):
    """A public-looking name may point inside (or be changed to): the addresses are checked at send."""
    client, token = with_csrf(login(demo["expat"], "en"))
    assert turn_on(client, Device("https://push.example.com/x").subscription(), token).status_code == 201
    monkeypatch.setattr("socket.getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", ("10.1.2.3", 443))])
    sell_the_fathers_car(login, demo)
    run_tasks()
    delivery = Delivery.objects.get(channel="push")
    assert delivery.state == "failed" and delivery.last_error == "endpoint-resolves_inside"
    assert push_service.received == []


@pytest.mark.parametrize(
    "sent",
    [
        {"endpoint": "http://127.0.0.1:9/push/x"},  # no keys
        {"endpoint": "http://127.0.0.1:9/push/x", "keys": {"p256dh": "AAAA", "auth": b64(os.urandom(16))}},
        {
            "endpoint": "http://127.0.0.1:9/push/x",
            "keys": {"p256dh": b64(b"\x04" + b"\x01" * 64), "auth": "x"},
        },
        ["not", "an", "object"],
    ],
)
def test_broken_keys_are_refused_in_the_persons_language(login, demo, sent):
    client, token = with_csrf(login(demo["expat"], "en"))
    answer = turn_on(client, sent, token)
    assert answer.status_code == 400 and "incomplete notification keys" in answer.json()["error"]
    broken = client.post(
        DEVICES, b"{not json", content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert broken.status_code == 400 and PushSubscription.objects.count() == 0


def test_turning_on_needs_the_csrf_token_and_a_login(login, demo, push_service):
    client, _ = with_csrf(login(demo["expat"], "en"))
    assert turn_on(client, push_service.device("x").subscription(), "wrong").status_code == 403
    assert Client().post(DEVICES, "{}", content_type="application/json").status_code == 302
    assert PushSubscription.objects.count() == 0


def test_a_device_is_removed_by_its_owner_and_another_persons_answers_404(login, demo, push_service):
    owner, token = with_csrf(login(demo["expat"], "en"))
    added = turn_on(owner, push_service.device("phone").subscription(), token).json()["id"]
    other, other_token = with_csrf(login(demo["father"], "ar"))

    refused = other.post(f"{DEVICES}/{added}/remove", headers={"X-CSRFToken": other_token})
    assert refused.status_code == 404 and PushSubscription.objects.filter(pk=added).exists()
    assert owner.post(f"{DEVICES}/{added}/remove").status_code == 403  # no CSRF token

    removed = owner.post(f"{DEVICES}/{added}/remove", headers={"X-CSRFToken": token})
    assert removed.status_code == 302 and removed["Location"] == f"{PREFS}?removed=1#devices"
    assert not PushSubscription.objects.filter(pk=added).exists()
    assert "it gets no more notifications" in owner.get(removed["Location"]).content.decode()


def test_the_same_browser_subscribed_by_another_person_is_theirs_from_then_on(login, demo, push_service):
    phone = push_service.device("shared")
    first, token = with_csrf(login(demo["expat"], "en"))
    assert turn_on(first, phone.subscription(), token).status_code == 201
    second, second_token = with_csrf(login(demo["father"], "ar"))
    assert turn_on(second, phone.subscription(), second_token).status_code == 201
    assert PushSubscription.objects.get().user == User.objects.get(civil_id=demo["father"])


def test_push_endpoints_and_keys_stay_out_of_the_logs(login, demo, push_service, caplog):
    buyer, token = with_csrf(login(demo["expat"], "en"))
    phone = push_service.device("private-endpoint")
    turn_on(buyer, phone.subscription(), token)
    sell_the_fathers_car(login, demo)
    with caplog.at_level("DEBUG"):
        run_tasks()
    logged = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
    assert "private-endpoint" not in logged and phone.subscription()["keys"]["auth"] not in logged
    assert urlsplit(phone.endpoint).path not in logged


def test_the_vapid_key_comes_from_the_deployment_or_from_its_secret_key(settings):
    from sahl.notifications import push_service

    scalar = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    try:
        push_service.vapid_key.cache_clear()
        derived = public_key()
        assert len(base64.urlsafe_b64decode(derived + "=")) == 65  # an uncompressed P-256 point
        settings.SAHL_VAPID_PRIVATE_KEY = b64(scalar.to_bytes(32, "big"))
        push_service.vapid_key.cache_clear()
        assert public_key() != derived
        assert push_service.vapid_key().private_numbers().private_value == scalar
    finally:
        push_service.vapid_key.cache_clear()
