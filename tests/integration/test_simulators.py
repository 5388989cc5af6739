"""The simulators (payment gateway, agency system, SMS provider) are separate systems for the demo
and the tests: without SAHL_SIMULATORS they are neither installed nor routed, and SMS go to the
provider's HTTP API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sahl.core.handover import NotSent, Refused
from sahl.sms.gateways import HttpSmsGateway

ROOT = Path(__file__).resolve().parents[2]

# Run in a process of its own: the settings decide the apps and the URLconf once, at start.
PRODUCTION = """
import django
from django.conf import settings
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
print(json.dumps({
    "apps": [app for app in settings.INSTALLED_APPS if app.endswith("_sim")],
    "gateway": settings.SAHL_SMS_GATEWAY,
    "status": {path: client.get(path).status_code for path in (
        "/sim/knet/pay/P-1", "/sim/knet/api/report", "/dev/sms", "/")},
    "post": client.post("/sim/knet/api/payments", data="{}", content_type="application/json").status_code,
}))
"""


def _settings_without_simulators(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAHL_", "DATABASE_URL"))}
    env |= {"SAHL_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "sahl.settings", "SAHL_SIMULATORS": "0"}
    migrate = [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, timeout=300)
    run = [sys.executable, "-c", "import json\n" + PRODUCTION]
    done = subprocess.run(run, cwd=ROOT, env=env, check=True, timeout=120, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.same_on_every_database  # a SQLite database of its own, migrated
def test_without_the_setting_the_simulators_are_not_there(tmp_path):
    found = _settings_without_simulators(tmp_path)
    assert found["apps"] == []
    assert found["gateway"] == "sahl.sms.gateways.HttpSmsGateway"
    assert found["status"] == {
        "/sim/knet/pay/P-1": 404,
        "/sim/knet/api/report": 404,
        "/dev/sms": 404,
        "/": 200,
    }
    assert found["post"] in (403, 404)  # no route (or refused before routing by CSRF): never the simulator


def test_with_the_setting_they_are(client, db):
    assert client.get("/dev/sms").status_code == 200


class _Provider(BaseHTTPRequestHandler):
    answers: list[tuple[int, dict]] = []
    received: list[tuple[dict, dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((body, dict(self.headers)))
        status, answer = self.answers.pop(0)
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def provider(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SAHL_SMS_URL = f"http://127.0.0.1:{server.server_address[1]}/messages"
    settings.SAHL_SMS_TOKEN = "provider-token"
    _Provider.answers, _Provider.received = [], []
    yield _Provider
    server.shutdown()


def test_the_http_gateway_hands_the_message_to_the_provider_once_per_reference(provider):
    provider.answers = [(201, {"id": "m-77"})]
    assert HttpSmsGateway().send("+96590000000", "سهل: رمزك 123456", "sms-code-1") == "m-77"
    ((body, headers),) = provider.received
    assert body == {"to": "+96590000000", "text": "سهل: رمزك 123456", "reference": "sms-code-1"}
    assert headers["Authorization"] == "Bearer provider-token"
    assert headers["Idempotency-Key"] == "sms-code-1"


def test_the_http_gateway_says_what_happened(provider, settings):
    provider.answers = [(503, {}), (429, {}), (400, {"error": "bad number"})]
    with pytest.raises(NotSent):
        HttpSmsGateway().send("+96590000000", "t", "r-1")
    with pytest.raises(NotSent):
        HttpSmsGateway().send("+96590000000", "t", "r-2")
    with pytest.raises(Refused):
        HttpSmsGateway().send("+96590000000", "t", "r-3")
    settings.SAHL_SMS_URL = "http://127.0.0.1:9/messages"  # nobody listens
    with pytest.raises(NotSent, match="unreachable"):
        HttpSmsGateway().send("+96590000000", "t", "r-4")
    settings.SAHL_SMS_URL = ""
    with pytest.raises(NotSent, match="not-configured"):
        HttpSmsGateway().send("+96590000000", "t", "r-5")
