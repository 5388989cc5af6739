"""The agency simulator as a real process (manage.py run_agency_simulator), in front of a tiny fake
of Sahl's agency API (keys, token, status, decision) served by this test: deliveries signed with
Sahl's own signer are checked by the simulator's independent verifier; duplicates, behaviours,
runtime switches, reports back with retries, its log and its state file."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from sahl.integrations import signatures
from tests.agency import Simulator, running_simulator, start_simulator

CLIENT = ("mew-test-client", "s3cret-of-the-test")
CIVIL_ID, NAME = "288031400029", "Ahmad Khalid Al-Mutairi"


class FakeSahl:
    """What the simulator sees of Sahl: JWKS, token (HTTP Basic), inbound writes (recorded)."""

    def __init__(self) -> None:
        self.keys: list[signatures.KeyPair] = [signatures.new_key("mew")]
        self.key_fetches = 0
        self.tokens: list[str] = []  # the Basic credentials each token request carried
        self.calls: list[dict[str, Any]] = []
        self.down_for = 0  # answer 503 to this many inbound writes first
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path == "/api/v1/agency/keys/mew":
                    with fake.lock:
                        fake.key_fetches += 1
                        jwks = [
                            {"kty": "OKP", "crv": "Ed25519", "kid": k.kid, "x": k.public_raw}
                            for k in fake.keys
                        ]
                    self._json(200, {"keys": jwks})
                else:
                    self._json(404, {})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/api/v1/agency/token":
                    basic = base64.b64decode(self.headers["Authorization"].split()[1]).decode()
                    with fake.lock:
                        fake.tokens.append(basic)
                    if basic != ":".join(CLIENT) or b"grant_type=client_credentials" not in body:
                        self._json(401, {"error": "invalid_client"})
                    else:
                        self._json(200, {"access_token": "tok-1", "token_type": "Bearer", "expires_in": 900})
                    return
                with fake.lock:
                    call = {
                        "path": self.path,
                        "body": json.loads(body),
                        "key": self.headers.get("Idempotency-Key"),
                        "auth": self.headers.get("Authorization"),
                    }
                    fake.calls.append(call)
                    down = fake.down_for > 0
                    fake.down_for -= 1 if down else 0
                if down:
                    self._json(503, {"code": "unavailable"})
                elif call["auth"] != "Bearer tok-1":
                    self._json(401, {"code": "agency.token_invalid"})
                else:
                    self._json(200, {"reference": self.path.split("/")[5]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def writes(self, reference: str) -> list[dict[str, Any]]:
        with self.lock:
            return [c for c in self.calls if f"/applications/{reference}/" in c["path"]]


@pytest.fixture(scope="module")
def sahl() -> Iterator[FakeSahl]:
    fake = FakeSahl()
    yield fake
    fake.server.shutdown()


@pytest.fixture(scope="module")
def credentials(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("agency") / "agency-mew.json"
    path.write_text(json.dumps({"client_id": CLIENT[0], "client_secret": CLIENT[1]}))
    return path


@pytest.fixture(scope="module")
def module_sim(sahl: FakeSahl, credentials: Path) -> Iterator[Simulator]:
    with running_simulator("mew", sahl.url, credentials, decide_after=0.2) as simulator:
        yield simulator


@pytest.fixture
def sim(module_sim: Simulator, sahl: FakeSahl) -> Simulator:
    """The module's simulator, behaving normally and having seen nothing."""
    module_sim.behaviour("ok", clear_references=True, slow_seconds=1, decide=True, decide_after=0.2)
    module_sim.reset()
    with sahl.lock:
        sahl.calls.clear()
        sahl.down_for = 0
    return module_sim


def delivery(reference: str = "", answers: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "type": "application.submitted",
        "occurred_at": "2026-12-01T10:15:00+03:00",
        "agency": "mew",
        "application": {
            "reference": reference or f"2026-{uuid.uuid4().int % 10**7:07d}",
            "service": "mew.clearance-certificate",
            "subject": {"civil_id": CIVIL_ID, "name": {"ar": "أحمد", "en": NAME}},
            "applicant": {"civil_id": CIVIL_ID, "name": {"ar": "أحمد", "en": NAME}},
            "answers": answers or {"clearance_for": "person", "purpose": "final_departure"},
        },
    }


def send(
    sim: Simulator,
    data: dict[str, Any],
    key: signatures.KeyPair,
    *,
    created: int | None = None,
    body: bytes | None = None,
    timeout: float = 10,
) -> httpx.Response:
    signed = json.dumps(data).encode()
    headers = signatures.sign(
        "POST", sim.endpoint, signed, data["event_id"], key, created or int(time.time())
    )
    return httpx.post(
        sim.endpoint, content=signed if body is None else body, headers=headers, timeout=timeout
    )


# --- Signatures ---------------------------------------------------------------------------------


def test_a_delivery_signed_by_sahl_is_accepted_with_the_agencys_reference(sim, sahl):
    data = delivery()
    answer = send(sim, data, sahl.keys[-1])
    assert answer.status_code == 200
    assert answer.json()["status"] == "accepted"
    assert answer.json()["reference"].startswith("MEW-")
    stats = sim.stats()
    assert stats["events"] == {data["event_id"]: 1} and stats["accepted"] == 1


def test_a_body_changed_after_signing_is_refused_with_the_reason(sim, sahl):
    data = delivery()
    changed = json.dumps(data | {"agency": "moi"}).encode()
    answer = send(sim, data, sahl.keys[-1], body=changed)
    assert answer.status_code == 401
    assert answer.json() == {"error": "invalid_signature", "reason": "Content-Digest does not match the body"}

    # Even with a digest that matches the new body, the signature covers the digest
    signed = json.dumps(data).encode()
    headers = signatures.sign("POST", sim.endpoint, signed, data["event_id"], sahl.keys[-1], int(time.time()))
    headers["Content-Digest"] = signatures.content_digest(changed)
    answer = httpx.post(sim.endpoint, content=changed, headers=headers)
    assert answer.status_code == 401 and "does not verify" in answer.json()["reason"]

    # A signature for another URL (another agency's endpoint) does not verify here either
    headers = signatures.sign(
        "POST", "http://elsewhere/deliveries", signed, data["event_id"], sahl.keys[-1], int(time.time())
    )
    answer = httpx.post(sim.endpoint, content=signed, headers=headers)
    assert answer.status_code == 401
    stats = sim.stats()
    assert stats["bad_signatures"] == 3 and stats["events"] == {} and stats["accepted"] == 0


def test_unsigned_and_altered_signatures_are_refused(sim, sahl):
    data = delivery()
    body = json.dumps(data).encode()
    headers = signatures.sign("POST", sim.endpoint, body, data["event_id"], sahl.keys[-1], int(time.time()))
    unsigned = {k: v for k, v in headers.items() if not k.startswith("Signature")}
    answer = httpx.post(sim.endpoint, content=body, headers=unsigned)
    assert answer.status_code == 401 and answer.json()["reason"].startswith("unsigned")

    raw = bytearray(base64.b64decode(headers["Signature"].split(":")[1]))
    raw[10] ^= 1
    altered = headers | {"Signature": f"sahl=:{base64.b64encode(bytes(raw)).decode()}:"}
    assert httpx.post(sim.endpoint, content=body, headers=altered).status_code == 401

    fewer = headers | {"Signature-Input": headers["Signature-Input"].replace(' "sahl-event-id"', "")}
    answer = httpx.post(sim.endpoint, content=body, headers=fewer)
    assert answer.status_code == 401 and "does not cover sahl-event-id" in answer.json()["reason"]


def test_a_signature_older_or_newer_than_five_minutes_is_refused(sim, sahl):
    answer = send(sim, delivery(), sahl.keys[-1], created=int(time.time()) - 400)
    assert answer.status_code == 401 and "more than 300 s" in answer.json()["reason"]
    answer = send(sim, delivery(), sahl.keys[-1], created=int(time.time()) + 400)
    assert answer.status_code == 401
    assert send(sim, delivery(), sahl.keys[-1], created=int(time.time()) - 200).status_code == 200


def test_an_unknown_key_id_makes_it_fetch_sahls_keys_again_so_rotation_works(sim, sahl):
    assert send(sim, delivery(), sahl.keys[-1]).status_code == 200
    fetched = sahl.key_fetches

    # Sahl rotates: a new key signs, the old one stays published
    with sahl.lock:
        sahl.keys.append(signatures.new_key("mew"))
    assert send(sim, delivery(), sahl.keys[-1]).status_code == 200
    assert sahl.key_fetches == fetched + 1
    assert send(sim, delivery(), sahl.keys[0]).status_code == 200  # cached: no fetch
    assert sahl.key_fetches == fetched + 1

    # A key Sahl does not publish is refused after asking
    stranger = signatures.new_key("mew")
    answer = send(sim, delivery(), stranger)
    assert answer.status_code == 401 and f"unknown key id '{stranger.kid}'" in answer.json()["reason"]


# --- De-duplication -------------------------------------------------------------------------------


def test_a_repeated_event_gets_its_first_answer_and_every_arrival_is_counted(sim, sahl):
    data = delivery()
    answers = [send(sim, data, sahl.keys[-1]) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    other = delivery()
    assert send(sim, other, sahl.keys[-1]).json()["reference"] != answers[0].json()["reference"]
    stats = sim.stats()
    assert stats["events"] == {data["event_id"]: 3, other["event_id"]: 1}
    assert stats["accepted"] == 2 and stats["duplicates"] == 2
    assert stats["answers"][data["event_id"]] == {
        "application": data["application"]["reference"],
        "http_status": 200,
        "body": answers[0].json(),
    }


def test_simultaneous_copies_of_one_event_get_one_answer(sim, sahl):
    data = delivery()
    results: list[httpx.Response] = []
    threads = [
        threading.Thread(target=lambda: results.append(send(sim, data, sahl.keys[-1]))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {json.dumps(r.json()) for r in results} == {json.dumps(results[0].json())}
    stats = sim.stats()
    assert stats["events"] == {data["event_id"]: 8} and stats["accepted"] == 1


# --- Behaviours -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "status", "check"),
    [
        ("unavailable", 503, lambda r: r.json()["error"] == "unavailable"),
        ("refuse422", 422, lambda r: r.json()["error"] == "unprocessable"),
        ("garbage", 200, lambda r: r.headers["Content-Type"] == "text/html" and not r.text.startswith("{")),
        ("pending", 200, lambda r: r.json() == {"status": "pending"}),
        (
            "reject",
            200,
            lambda r: (
                r.json()["status"] == "rejected" and r.json()["reason"]["ar"] and r.json()["reason"]["en"]
            ),
        ),
    ],
)
def test_each_behaviour_answers_as_told(sim, sahl, mode, status, check):
    sim.behaviour(mode)
    data = delivery()
    answer = send(sim, data, sahl.keys[-1])
    assert answer.status_code == status
    assert check(answer)
    assert sim.stats()["events"] == {data["event_id"]: 1}


def test_slow_answers_after_the_delay(sim, sahl):
    sim.behaviour("slow", slow_seconds=1)
    started = time.monotonic()
    answer = send(sim, delivery(), sahl.keys[-1])
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
    assert time.monotonic() - started >= 1


def test_timeout_never_answers_and_other_requests_still_do(sim, sahl):
    sim.behaviour("timeout")
    data = delivery()
    with pytest.raises(httpx.ReadTimeout):
        send(sim, data, sahl.keys[-1], timeout=1)
    assert sim.stats()["events"] == {data["event_id"]: 1}  # it arrived; nothing was answered
    assert sim.stats()["failed"] == 1


def test_a_hanging_answer_does_not_hold_up_the_simulators_shutdown(sahl, credentials, tmp_path):
    simulator = start_simulator(
        "mew", sahl.url, credentials, behaviour="timeout", log_path=tmp_path / "sim.log"
    )
    outcome: list[str] = []

    def wait_for_an_answer() -> None:
        try:
            send(simulator, delivery(), sahl.keys[-1], timeout=30)
            outcome.append("answered")
        except httpx.HTTPError as error:
            outcome.append(type(error).__name__)

    hanging = threading.Thread(target=wait_for_an_answer, daemon=True)
    hanging.start()
    simulator.wait_for(lambda s: s["failed"] == 1, timeout=10)
    started = time.monotonic()
    assert simulator.stop() == 0
    assert time.monotonic() - started < 5
    assert simulator.log()[-1]["event"] == "stopped"
    hanging.join(timeout=5)
    assert outcome and outcome != ["answered"]  # the connection closed without an answer


def test_behaviour_changes_at_runtime_for_all_or_for_given_applications(sim, sahl):
    # The agency goes down for a while, then recovers: the same event is then accepted
    data = delivery()
    sim.behaviour("unavailable")
    assert send(sim, data, sahl.keys[-1]).status_code == 503
    sim.behaviour("ok")
    assert send(sim, data, sahl.keys[-1]).json()["status"] == "accepted"

    # One application is always refused with 422 while the others are accepted
    refused = delivery("2026-0000422")
    sim.behaviour("refuse422", for_references=["2026-0000422"])
    assert send(sim, refused, sahl.keys[-1]).status_code == 422
    assert send(sim, delivery(), sahl.keys[-1]).status_code == 200
    assert send(sim, refused, sahl.keys[-1]).status_code == 422  # refusals are not remembered as answers
    sim.behaviour("ok", for_references=["2026-0000422"])
    assert send(sim, refused, sahl.keys[-1]).json()["status"] == "accepted"

    stats = sim.stats()
    assert stats["events"][data["event_id"]] == 2 and stats["events"][refused["event_id"]] == 3
    assert stats["refused"] == 2 and stats["failed"] == 1 and stats["accepted"] == 3


def test_a_bad_behaviour_request_is_refused(sim):
    answer = httpx.post(f"{sim.url}/_sim/behaviour", json={"mode": "explode"})
    assert answer.status_code == 400 and "mode must be one of" in answer.json()["reason"]
    assert sim.stats()["behaviour"]["mode"] == "ok"


def test_start_flags_set_the_behaviour_and_can_skip_the_signature_check(sahl, credentials, tmp_path):
    with running_simulator(
        "mew",
        sahl.url,
        credentials,
        behaviour="unavailable",
        skip_signature_check=True,
        log_path=tmp_path / "s.log",
    ) as simulator:
        data = delivery()
        unsigned = {"Content-Type": "application/json", "Sahl-Event-Id": data["event_id"]}
        assert httpx.post(simulator.endpoint, json=data, headers=unsigned).status_code == 503
        simulator.behaviour("ok")
        assert httpx.post(simulator.endpoint, json=data, headers=unsigned).json()["status"] == "accepted"


# --- Reporting back -----------------------------------------------------------------------------------


def test_it_reports_progress_then_a_decision_with_a_token_and_idempotency_keys(sim, sahl):
    data = delivery()
    reference = data["application"]["reference"]
    send(sim, data, sahl.keys[-1])
    sim.wait_for(lambda s: s["decisions"].get(reference) == "approved", timeout=15)

    status, decision = sahl.writes(reference)
    assert status["path"] == f"/api/v1/agency/applications/{reference}/status"
    assert status["body"]["status"] == "in_progress"
    assert decision["path"] == f"/api/v1/agency/applications/{reference}/decision"
    assert decision["body"] == {"outcome": "approved", "reason": ""}
    assert status["auth"] == decision["auth"] == "Bearer tok-1"
    assert status["key"] and decision["key"] and status["key"] != decision["key"]
    assert all(len(c["key"]) <= 80 for c in (status, decision))
    assert ":".join(CLIENT) in sahl.tokens


def test_an_answer_asking_for_it_is_rejected_with_a_reason(sim, sahl):
    data = delivery(answers={"clearance_for": "person", "purpose": "other", "details": "Please REJECT me"})
    reference = data["application"]["reference"]
    send(sim, data, sahl.keys[-1])
    sim.wait_for(lambda s: s["decisions"].get(reference) == "rejected", timeout=15)
    decision = sahl.writes(reference)[-1]
    assert decision["body"]["outcome"] == "rejected" and decision["body"]["reason"]


def test_reports_are_retried_with_the_same_key_while_sahl_is_down(sim, sahl):
    with sahl.lock:
        sahl.down_for = 2
    data = delivery()
    reference = data["application"]["reference"]
    send(sim, data, sahl.keys[-1])
    sim.wait_for(lambda s: s["decisions"].get(reference) == "approved", timeout=20)
    writes = sahl.writes(reference)
    statuses = [w for w in writes if w["path"].endswith("/status")]
    assert len(statuses) == 3 and len({w["key"] for w in statuses}) == 1
    assert [w["path"].rsplit("/", 1)[1] for w in writes] == ["status", "status", "status", "decision"]
    assert any(line["event"] == "report_retry" for line in sim.log())


def test_no_decide_leaves_sahl_alone(sim, sahl):
    sim.behaviour(decide=False)
    data = delivery()
    send(sim, data, sahl.keys[-1])
    time.sleep(0.6)
    assert sahl.writes(data["application"]["reference"]) == []
    assert sim.stats()["decisions"][data["application"]["reference"]] == "not reporting"


def test_its_log_is_json_lines_without_personal_data(sim, sahl):
    data = delivery(answers={"clearance_for": "person", "purpose": "other", "address_number": "12345678"})
    send(sim, data, sahl.keys[-1])
    send(sim, delivery(), signatures.new_key("mew"))  # a refusal is logged too
    sim.wait_for(lambda s: s["decisions"].get(data["application"]["reference"]), timeout=15)
    text = sim.log_path.read_text()
    lines = sim.log()
    assert {"listening", "delivery", "delivery_refused", "reported"} <= {line["event"] for line in lines}
    assert all(line["agency"] == "mew" and "time" in line for line in lines)
    for secret in (CIVIL_ID, NAME, "أحمد", "12345678", CLIENT[1], "tok-1"):
        assert secret not in text


def test_the_state_file_keeps_answers_across_a_restart(sahl, credentials, tmp_path):
    state = tmp_path / "state.json"
    data = delivery()
    options = {"state": state, "no_decide": True, "log_path": tmp_path / "sim.log"}
    with running_simulator("mew", sahl.url, credentials, **options) as first:
        answer = send(first, data, sahl.keys[-1]).json()
    with running_simulator("mew", sahl.url, credentials, **options) as again:
        assert send(again, data, sahl.keys[-1]).json() == answer
        assert send(again, delivery(), sahl.keys[-1]).json()["reference"] != answer["reference"]
        stats = again.stats()
    assert stats["events"][data["event_id"]] == 2 and stats["duplicates"] == 1 and stats["accepted"] == 2
    assert CIVIL_ID not in state.read_text()
