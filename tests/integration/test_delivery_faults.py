"""Delivering applications to an agency's system when things go wrong: a long outage, a worker
killed after the agency accepted, one application the agency always refuses, an agency that hangs.

The agency is the simulator, a real process on 127.0.0.1 that verifies Sahl's signatures and counts
the event ids it receives. Sahl's side runs the attempts as the worker would; the outbox's clock is
moved by the test (ten minutes of outage take no ten minutes)."""

import datetime as dt
import json

import pytest
from django.db.models import Q
from django.utils import timezone

from sahl.applications.models import Application, HistoryEvent
from sahl.catalogue.models import Agency
from sahl.events import tasks as event_tasks
from sahl.events.models import Handling
from sahl.integrations import services
from sahl.integrations.models import Connection
from sahl.outbox import rules
from sahl.outbox import tasks as outbox
from sahl.outbox.models import Delivery, Destination
from tests.agency import running_simulator
from tests.integration.conftest import apply, reference_of

pytestmark = pytest.mark.django_db
MEW = ("mew", "mew.clearance-certificate", {"clearance_for": "person", "purpose": "other"})
MOC = ("moc", "moc.telephone-clearance-certificate", {"purpose": "other"})


class Clock:
    """The outbox's clock, moved by the test."""

    def __init__(self, monkeypatch) -> None:
        self.at = timezone.now()
        monkeypatch.setattr(outbox, "now", lambda: self.at)

    def forward(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def jwks_file(tmp_path, agency: str):
    keys = [
        {"kty": "OKP", "crv": "Ed25519", "x": key.public_raw, "kid": key.kid, "use": "sig", "alg": "EdDSA"}
        for key in services.public_keys(agency)
    ]
    path = tmp_path / f"{agency}-keys.json"
    path.write_text(json.dumps({"keys": keys}))
    return path


@pytest.fixture
def agency(tmp_path):
    """`agency(code, **simulator options)`: the agency connected to a simulator of its own."""
    stack = []

    def connect(code: str, timeout: float = 5.0, **options):
        connection = services.connect(Agency.objects.get(code=code), "http://127.0.0.1:9/", timeout=timeout)
        context = running_simulator(
            code,
            "http://127.0.0.1:9",  # Sahl's address: not needed, the simulator decides nothing here
            tmp_path / f"{code}-credentials.json",
            keys=jwks_file(tmp_path, code),
            no_decide=True,
            **options,
        )
        simulator = context.__enter__()
        stack.append(context)
        Connection.objects.filter(pk=connection.pk).update(endpoint=simulator.endpoint)
        return simulator

    yield connect
    for context in reversed(stack):
        context.__exit__(None, None, None)


def file_applications(login, demo, which, count: int) -> list[str]:
    """File applications, then let integrations hear of them (its listener writes the deliveries)."""
    _, service, answers = which
    people = [login(demo[key], "en") for key in ("father", "mother", "expat", "fines")]
    references = [reference_of(apply(people[i % len(people)], service, answers)) for i in range(count)]
    for handling in Handling.objects.filter(state="pending").order_by("pk"):
        event_tasks.run(handling.pk)
    return references


def run_due(rounds: int = 1) -> None:
    """What the workers do with the agency deliveries that are due now (or claimed by a worker)."""
    for _ in range(rounds):
        due = Q(state__in=("queued", "retrying"), next_attempt_at__lte=outbox.now()) | Q(state="sending")
        for delivery_id in Delivery.objects.filter(due, channel="agency").values_list("pk", flat=True):
            outbox.attempt(delivery_id)


def deliveries_of(references: list[str]) -> list[Delivery]:
    topics = [f"application:{reference}" for reference in references]
    return list(Delivery.objects.filter(topic__in=topics).order_by("pk"))


def application_reference(delivery: Delivery) -> str:
    return delivery.topic.removeprefix("application:")


def test_ten_minutes_of_503_then_every_application_is_delivered_exactly_once(login, demo, agency, clock):
    simulator = agency("mew")
    simulator.behaviour("unavailable")
    references = file_applications(login, demo, MEW, 6)

    # Ten minutes of outage: every submission was accepted by Sahl and waits, none is lost.
    for _ in range(40):
        run_due()
        clock.forward(15)
    assert Application.objects.filter(reference__in=references).count() == 6
    # (a delivery the breaker held back before its first try is still "queued")
    assert {d.state for d in deliveries_of(references)} <= {"queued", "retrying"}
    breaker = Destination.objects.get(name="agency:mew")
    assert breaker.failures_in_a_row >= 5 and breaker.open_until is not None  # the breaker opened
    assert simulator.stats()["accepted"] == 0

    # The agency recovers: within the retries' longest pause, everything arrives, once.
    simulator.behaviour("ok")
    for _ in range(150):
        run_due()
        clock.forward(30)
        if all(d.state == "sent" for d in deliveries_of(references)):
            break
    delivered = deliveries_of(references)
    assert {d.state for d in delivered} == {"sent"}
    stats = simulator.stats()
    assert stats["accepted"] == 6 and stats["duplicates"] == 0
    accepted = {
        event for event, answer in stats["answers"].items() if answer["body"].get("status") == "accepted"
    }
    assert accepted == {str(d.key) for d in delivered}
    assert HistoryEvent.objects.filter(application__reference__in=references, kind="delivered").count() == 6
    assert Destination.objects.get(pk=breaker.pk).failures_in_a_row == 0


def test_a_worker_killed_after_the_agency_accepted_retries_with_the_same_event_id(
    login, demo, agency, clock, monkeypatch
):
    simulator = agency("mew")
    (reference,) = file_applications(login, demo, MEW, 1)
    (delivery,) = deliveries_of([reference])

    def killed(*args, **kwargs):
        raise SystemExit("the worker was killed")

    record = outbox._record
    monkeypatch.setattr(outbox, "_record", killed)
    with pytest.raises(SystemExit):
        outbox.attempt(delivery.pk)
    monkeypatch.setattr(outbox, "_record", record)
    first = simulator.stats()
    assert first["accepted"] == 1  # the agency has it; Sahl does not know yet
    delivery.refresh_from_db()
    assert delivery.state == "sending" and delivery.claimed_at is not None
    assert not delivery.attempt_log.exists()  # the dead worker recorded nothing

    # A new attempt must not start while the dead worker's claim may still be running...
    run_due()
    assert simulator.events()[str(delivery.key)] == 1
    # ...but once the claim is older than the timeout, the attempt it cut off is recorded and the
    # delivery goes again, with the same event id.
    clock.forward(delivery.timeout_seconds + rules.CLAIM_GRACE + 1)
    run_due()

    delivery.refresh_from_db()
    assert delivery.state == "sent"
    assert [a.outcome for a in delivery.attempt_log.all()] == ["cut_off", "sent"]
    stats = simulator.stats()
    assert stats["events"][str(delivery.key)] == 2 and stats["duplicates"] == 1
    assert stats["accepted"] == 1  # the agency took it once and answered the duplicate the same
    assert delivery.result["reference"] == first["answers"][str(delivery.key)]["body"]["reference"]
    assert (
        HistoryEvent.objects.filter(
            application__reference=application_reference(delivery), kind="delivered"
        ).count()
        == 1
    )


def test_an_application_the_agency_always_refuses_goes_to_the_dead_letters(login, demo, agency, clock):
    simulator = agency("mew")
    simulator.behaviour("ok")
    references = file_applications(login, demo, MEW, 3)
    refused = references[1]
    simulator.behaviour("refuse422", [refused])

    run_due()

    states = {application_reference(d): d.state for d in deliveries_of(references)}
    assert states == {references[0]: "sent", refused: "failed", references[2]: "sent"}
    (dead,) = deliveries_of([refused])
    assert "422" in dead.last_error and dead.attempts == 1

    # An operator sees it in the outbox and sends it again once the agency is fixed.
    operator = login(demo["operator"], "en")
    page = operator.get("/operators/outbox?channel=agency&state=failed").content.decode()
    assert refused in page and "Send again" in page and references[0] not in page
    assert login(demo["father"], "en").get("/operators/outbox").status_code == 404
    simulator.behaviour("ok", [refused])
    assert operator.post(f"/operators/outbox/{dead.pk}/send-again").status_code == 302
    run_due()
    dead.refresh_from_db()
    assert dead.state == "sent"
    assert simulator.stats()["events"][str(dead.key)] == 2  # same event id, sent again


def test_a_hanging_agency_times_out_and_does_not_hold_up_another(login, demo, agency, clock):
    hanging = agency("mew", timeout=1.0)
    hanging.behaviour("timeout")
    working = agency("moc")
    slow_ones = file_applications(login, demo, MEW, 2)
    quick_ones = file_applications(login, demo, MOC, 2)

    for _ in range(3):
        run_due()
        clock.forward(120)

    for delivery in deliveries_of(slow_ones):
        assert delivery.state == "retrying" and delivery.last_error == "timed out"
    assert {d.state for d in deliveries_of(quick_ones)} == {"sent"}
    assert working.stats()["accepted"] == 2
    assert Destination.objects.get(name="agency:moc").failures_in_a_row == 0


def test_the_persons_page_says_where_the_delivery_is_read_with_its_own_row(login, demo, agency, clock):
    """The application's page shows its delivery to the agency's system (waiting, then received with
    the agency's reference) without reading the outbox apart: it comes with the page's row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agency("mew")
    (reference,) = file_applications(login, demo, MEW, 1)
    father = login(demo["father"], "en")

    def page() -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            html = father.get(f"/applications/{reference}").content.decode()
        return html, [q["sql"] for q in queries if "outbox_delivery" in q["sql"]]

    waiting, outbox_reads = page()
    assert "being sent to the agency&#x27;s system" in waiting
    assert len(outbox_reads) == 1 and "applications_applicationpage" in outbox_reads[0]
    run_due()
    sent = deliveries_of([reference])[0]
    assert sent.state == "sent" and sent.result["reference"]
    received, _ = page()
    assert "its system received it" in received and sent.result["reference"] in received
