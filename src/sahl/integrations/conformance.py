"""The conformance kit: does an agency's endpoint keep the contract (docs/agency-api.md)?

Against the agency's endpoint, with Sahl's real signing key for that agency, and a test application
of its own (`conformance_case`), it checks:

  a   a signed delivery is answered 2xx with a valid body within the connection's timeout;
  b1-b5  deliveries that must not be trusted are refused with a 4xx: a body changed after signing,
      an altered signature, a signature created 10 minutes ago, no signature, an unknown key;
  c   the same delivery again (same event id, signed afresh as a retry is) gets the same answer;
  d   the agency reports back for the test application through the inbound API within a limit.

Each check passes, fails with the reason, or is skipped when an earlier one makes it meaningless."""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.db import transaction
from django.utils import timezone

from sahl.applications.models import Application
from sahl.catalogue.models import Agency
from sahl.core import untrusted
from sahl.integrations import conformance_case as case
from sahl.integrations import rules, services, signatures
from sahl.integrations.models import Connection
from sahl.integrations.rules import Outcome
from sahl.outbox import services as outbox

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"
STALE_SECONDS = 600


@dataclass(frozen=True)
class Check:
    code: str
    title: str
    outcome: str
    detail: str


@dataclass
class Report:
    agency: str
    endpoint: str
    service: str = ""
    reference: str = ""
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.outcome != FAIL for c in self.checks)


@dataclass(frozen=True)
class Answer:
    status: int | None
    body: bytes
    error: str
    seconds: float

    def json(self) -> Any:
        try:
            return untrusted.loads(self.body)
        except ValueError:
            return None


def _snippet(body: bytes) -> str:
    text = body[:80].decode("utf-8", "replace")
    return "".join(c if c.isprintable() else "?" for c in text)


class Kit:
    def __init__(self, connection: Connection, endpoint: str, on_check: Callable[[Check], None]) -> None:
        self.connection, self.endpoint, self.on_check = connection, endpoint, on_check
        keys = services.public_keys(connection.agency.code)
        if not keys:
            raise case.NotReady(f"{connection.agency.code} has no signing key: run connect_agency again")
        newest = keys[-1]
        self.key = signatures.KeyPair(newest.kid, newest.private_pem, newest.public_raw)
        self.timeout = connection.timeout_seconds

    # --- Sending ---------------------------------------------------------------------------

    def body(self, application: Application, event_id: str, created: float) -> bytes:
        """The delivery body Sahl sends (services.payload), marked as a test."""
        data = services.payload(application.pk, event_id, dt.datetime.fromtimestamp(created, tz=dt.UTC))
        data["test"] = True
        return json.dumps(data, ensure_ascii=False, sort_keys=True).encode()

    def signed(self, body: bytes, event_id: str, created: int | None = None) -> dict[str, str]:
        return signatures.sign("POST", self.endpoint, body, event_id, self.key, created or int(time.time()))

    def post(self, body: bytes, headers: dict[str, str]) -> Answer:
        timeout = httpx.Timeout(self.timeout, connect=min(3.0, self.timeout))
        started = time.monotonic()
        try:
            with (
                httpx.Client(timeout=timeout, follow_redirects=False) as client,
                client.stream("POST", self.endpoint, content=body, headers=headers) as response,
            ):
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > rules.MAX_BODY:
                        break
                return Answer(response.status_code, b"".join(chunks), "", time.monotonic() - started)
        except httpx.TimeoutException:
            error = f"no answer within the connection's timeout ({self.timeout:g} s)"
        except httpx.HTTPError as failure:
            error = f"cannot reach the endpoint ({type(failure).__name__})"
        return Answer(None, b"", error, time.monotonic() - started)

    def check(self, code: str, title: str, outcome: str, detail: str) -> Check:
        found = Check(code, title, outcome, detail)
        self.on_check(found)
        return found

    # --- The checks ------------------------------------------------------------------------

    def first_delivery(self, body: bytes, event_id: str) -> tuple[Check, Answer]:
        title = "a signed delivery is answered 2xx with a valid body in time"
        answer = self.post(body, self.signed(body, event_id))
        if answer.status is None:
            return self.check("a", title, FAIL, answer.error), answer
        verdict = rules.judge(answer.status, answer.body)
        if answer.status not in (200, 201, 202):
            detail = f"answered HTTP {answer.status} ({_snippet(answer.body)!r})"
            if answer.status == 401:
                detail += (
                    ": a correctly signed delivery was refused; check how the signature base is "
                    "built and which key is used (docs/agency-onboarding.md, 'Verifying')"
                )
            elif verdict.outcome is Outcome.RETRY:
                detail += ": Sahl would retry it later"
            else:
                detail += ": Sahl would give up on it at once (dead letter)"
            return self.check("a", title, FAIL, detail), answer
        if verdict.outcome is not Outcome.DELIVERED:
            return self.check(
                "a", title, FAIL, f"HTTP {answer.status} but {verdict.error}: {_snippet(answer.body)!r}"
            ), answer
        if answer.seconds > self.timeout:  # the read timeout is per read: a trickle can take longer
            return self.check(
                "a", title, FAIL, f"answered after {answer.seconds:.1f} s (limit {self.timeout:g} s)"
            ), answer
        what = verdict.answer + (f", reference {verdict.reference}" if verdict.reference else "")
        detail = f"HTTP {answer.status} {what}, in {answer.seconds:.2f} s (limit {self.timeout:g} s)"
        return self.check("a", title, PASS, detail), answer

    def refusals(self, application: Application) -> None:
        for code, title, make in (
            ("b1", "a body changed after signing is refused", self._tampered_body),
            ("b2", "an altered signature is refused", self._altered_signature),
            ("b3", f"a signature created {STALE_SECONDS // 60} minutes ago is refused", self._stale),
            ("b4", "an unsigned delivery is refused", self._unsigned),
            ("b5", "a signature by a key that is not Sahl's is refused", self._unknown_key),
        ):
            event_id = str(uuid.uuid4())  # a fresh event: a stored answer must not hide the check
            body, headers = make(application, event_id)
            answer = self.post(body, headers)
            status = answer.status
            if status is not None and 400 <= status < 500 and status not in rules.RETRYABLE_STATUSES:
                self.check(code, title, PASS, f"HTTP {status}")
            elif status is None:
                self.check(code, title, FAIL, answer.error)
            elif 200 <= status < 300:
                self.check(
                    code, title, FAIL, f"answered HTTP {status}: the agency does not verify signatures"
                )
            else:
                self.check(code, title, FAIL, f"answered HTTP {status}, expected a 4xx refusal")

    def _tampered_body(self, application: Application, event_id: str) -> tuple[bytes, dict[str, str]]:
        body = self.body(application, event_id, time.time())
        headers = self.signed(body, event_id)
        data = json.loads(body)
        data["application"]["answers"][case.MARKER] = "tampered"
        changed = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
        headers["Content-Digest"] = signatures.content_digest(changed)  # so only the signature tells
        return changed, headers

    def _altered_signature(self, application: Application, event_id: str) -> tuple[bytes, dict[str, str]]:
        body = self.body(application, event_id, time.time())
        headers = self.signed(body, event_id)
        raw = bytearray(base64.b64decode(headers["Signature"].split(":")[1]))
        raw[0] ^= 0xFF
        headers["Signature"] = f"{signatures.LABEL}=:{base64.b64encode(bytes(raw)).decode()}:"
        return body, headers

    def _stale(self, application: Application, event_id: str) -> tuple[bytes, dict[str, str]]:
        created = int(time.time()) - STALE_SECONDS
        body = self.body(application, event_id, created)
        return body, self.signed(body, event_id, created)

    def _unsigned(self, application: Application, event_id: str) -> tuple[bytes, dict[str, str]]:
        body = self.body(application, event_id, time.time())
        headers = self.signed(body, event_id)
        del headers["Signature"], headers["Signature-Input"]
        return body, headers

    def _unknown_key(self, application: Application, event_id: str) -> tuple[bytes, dict[str, str]]:
        body = self.body(application, event_id, time.time())
        stranger = signatures.new_key("conformance-stranger")
        return body, signatures.sign("POST", self.endpoint, body, event_id, stranger, int(time.time()))

    def duplicate(self, body: bytes, event_id: str, first: Answer) -> None:
        title = "the same delivery again gets the same answer"
        again = self.post(body, self.signed(body, event_id))
        if again.status is None:
            self.check("c", title, FAIL, again.error)
        elif again.status != first.status or again.json() != first.json():
            self.check(
                "c",
                title,
                FAIL,
                f"first HTTP {first.status} {_snippet(first.body)!r}, then HTTP {again.status} "
                f"{_snippet(again.body)!r}: de-duplicate on event_id and answer a repeat as the first time",
            )
        else:
            self.check("c", title, PASS, f"HTTP {again.status}, same body")

    def reported(self, application: Application, since: Any, within: float) -> bool:
        title = f"the agency reports back through the inbound API within {within:g} s"
        started = time.monotonic()
        while True:
            what = case.reported_since(application, since)
            if what:
                seconds = time.monotonic() - started
                self.check("d", title, PASS, f"{what}, after {seconds:.1f} s")
                return True
            if time.monotonic() - started >= within:
                break
            time.sleep(0.25)
        self.check(
            "d",
            title,
            FAIL,
            f"nothing within {within:g} s: the agency's system must call POST /api/v1/agency/applications/"
            f"{application.reference}/status (or /decision) with a token from POST /api/v1/agency/token",
        )
        return False


def _record(kit: Kit, application: Application, event_id: str, answer: Answer) -> None:
    """Keep the test delivery on record, as the worker would have: operators see it in the outbox,
    and the application's history says it was delivered (rejected at once: the application is
    rejected)."""
    verdict = rules.judge(answer.status, answer.body)
    with transaction.atomic():
        outbox.record_sent(
            "agency",
            key=uuid.UUID(event_id),
            destination=f"agency:{kit.connection.agency.code}",
            topic=f"application:{application.reference}",
            payload={"application_id": application.pk},
            result={"answer": verdict.answer, "reference": verdict.reference},
            status_code=answer.status,
            duration_ms=int(answer.seconds * 1000),
        )
        services.delivered(application.pk, verdict)


def run(
    agency_code: str,
    *,
    endpoint: str | None = None,
    service: str | None = None,
    report_within: float = 30.0,
    decision_within: float = 10.0,
    on_check: Callable[[Check], None] = lambda check: None,
    on_note: Callable[[str], None] = lambda note: None,
) -> Report:
    agency = Agency.objects.filter(code=agency_code).first()
    if agency is None:
        raise case.NotReady(f"unknown agency {agency_code!r}: load the catalogue first")
    connection = services.connection_for(agency.pk)
    if connection is None:
        raise case.NotReady(
            f"{agency.code} has no connected system: run manage.py connect_agency --agency {agency.code} "
            "--endpoint URL --credentials FILE first"
        )
    target = endpoint or connection.endpoint
    chosen = case.service_for(agency, service)
    report = Report(agency.code, target, chosen.code)

    def note(text: str) -> None:
        report.notes.append(text)
        on_note(text)

    def check(found: Check) -> None:
        report.checks.append(found)
        on_check(found)

    kit = Kit(connection, target, check)
    application = case.file_test_application(agency, chosen)
    report.reference = application.reference
    note(
        f"test application {application.reference} ({chosen.code}) for the synthetic person "
        f"{case.TEST_CIVIL_ID}, answers marked {case.MARKER}: true; signed with key {kit.key.kid}"
    )
    event_id = str(uuid.uuid4())
    body = kit.body(application, event_id, time.time())
    since = timezone.now()  # an agency may report while it answers the delivery
    first, answer = kit.first_delivery(body, event_id)
    if first.outcome == FAIL:
        for code, title in (("b", "refusals"), ("c", "duplicate"), ("d", "reporting back")):
            kit.check(code, title, SKIP, "not checked: the signed delivery was not answered validly")
    else:
        _record(kit, application, event_id, answer)
        kit.refusals(application)
        kit.duplicate(body, event_id, answer)
        application.refresh_from_db()
        if application.state == "rejected":
            kit.check("d", "reporting back", SKIP, "the agency rejected the test application at once")
        elif kit.reported(application, since, report_within):
            _wait_for_decision(application, since, decision_within, note)
    if case.withdraw_if_open(application):
        note(f"test application {application.reference} withdrawn (it was still open)")
    return report


def _wait_for_decision(
    application: Application, since: Any, within: float, note: Callable[[str], None]
) -> None:
    started = time.monotonic()
    while time.monotonic() - started < within:
        decided = case.reported_since(application, since, case.DECIDED)
        if decided:
            note(f"the agency decided: {decided}, after {time.monotonic() - started:.1f} s more")
            return
        time.sleep(0.25)
    note(f"no decision within {within:g} s more (not required)")
