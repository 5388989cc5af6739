"""Production's web server (deploy/uwsgi.ini, ADR 0067) serves Sahl whole, as gunicorn does for the
other browser tests, with the shared cache (Redis) as production has it: a person logs in, files a
passport renewal and pays its fee on the simulated gateway, which this same server serves. A body over its route's limit is refused before it is read,
and SIGTERM stops the server with its workers."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import suppress

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, SERVED, UWSGI, _free_port, _serve
from tests.e2e.helpers import file_and_pay_passport_renewal, hidden_input
from tests.redis_here import URL, redis_or_skip

REDIS = URL.rsplit("/", 1)[0] + "/14"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    redis_or_skip(REDIS).flushdb()  # production's server is tested with its shared cache
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAHL_CACHE_URL", REDIS)  # sessions and kept logins in Redis, as in production
        with _serve(tmp_path_factory.mktemp("uwsgi"), "e2e_uwsgi", web="uwsgi") as base:
            yield base


def test_a_person_files_and_pays_through_the_production_server(page, server):
    file_and_pay_passport_renewal(page)
    expect(page.locator("#payment-1")).to_have_text("مدفوعة")
    # The session's key names its person: read with the kept login in one round trip (ADR 0068).
    session = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    assert re.fullmatch(r"\d+-[a-z0-9]{30,}", session) and len(session) == 40


def test_answers_carry_the_security_headers_and_close_the_connection(server):
    with urllib.request.urlopen(f"{server}/", timeout=10) as answer:  # noqa: S310 (the test's own server)
        assert answer.status == 200
        headers = answer.headers
    assert headers["Content-Language"] == "ar"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
    assert headers["Connection"] == "close"  # one request per connection (deploy/uwsgi.ini)


def test_a_body_over_its_limit_is_refused_before_it_is_read(server):
    """The login form takes a small body; 30 MB are announced, 64 KB sent, and the answer comes."""
    parts = urllib.parse.urlsplit(server)
    form = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    form.request("GET", "/accounts/login/")
    answer = form.getresponse()
    token = hidden_input(answer.read().decode(), "csrfmiddlewaretoken")
    cookie = re.search(r"csrftoken=([^;]+)", answer.headers["Set-Cookie"]).group(1)  # type: ignore[union-attr]
    form.close()

    post = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    post.putrequest("POST", "/accounts/login/")
    post.putheader("Content-Type", "application/x-www-form-urlencoded")
    post.putheader("Content-Length", str(30 * 1024 * 1024))
    post.putheader("Cookie", f"csrftoken={cookie}")
    post.putheader("Referer", f"{server}/accounts/login/")
    post.endheaders(f"csrfmiddlewaretoken={token}&login=".encode() + b"x" * 64 * 1024)
    refused = post.getresponse()
    text = refused.read().decode()
    post.close()
    assert refused.status == 413
    assert '<html lang="ar" dir="rtl">' in text


def test_sigterm_stops_the_server(server):
    """What an orchestrator sends at a deployment: the master and its workers end, none lingers."""
    port = _free_port()
    process = subprocess.Popen(
        [*UWSGI, "--http-socket", f"127.0.0.1:{port}", "--processes", "2"],
        env=SERVED[server],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            with (
                suppress(OSError),
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as up,
            ):
                if up.status == 200:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("the second server did not start")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) is not None
        time.sleep(0.5)
        with pytest.raises(ProcessLookupError):  # a worker that outlived its master would be found
            os.killpg(process.pid, 0)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
