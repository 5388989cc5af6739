"""The agency API keeps to its lane (docs/agency-api.md, "The system's lane"): an agency's system
lists, reads and decides the applications of the agency's `agency_api` services only, unless the
agency took its back-office services over; a list names no one and writes no access entries, a read
writes one per person; open applications that waited while no system was connected are delivered
to it, once, when one is connected."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from sahl.applications.models import Application
from sahl.audit.models import AuditEntry
from sahl.events import tasks as event_tasks
from sahl.events.models import Handling
from sahl.idempotency.models import IdempotentRequest
from sahl.integrations import services as integrations
from sahl.integrations.models import Connection
from sahl.outbox import tasks as outbox_tasks
from sahl.outbox.models import Delivery
from tests.agency import running_simulator
from tests.integration.conftest import apply, reference_of, run_tasks
from tests.integration.test_agency_api import PDF, PNG, System

pytestmark = pytest.mark.django_db
CLEARANCE = "mew.clearance-certificate"  # agency_api
OBJECTION = "mew.bill-objection"  # backoffice


@pytest.fixture
def mew(db) -> System:
    return System("mew")


@pytest.fixture
def file_case(login, demo):
    """`file_case(service, who="father")` files one of MEW's services and gives its reference."""

    def make(service: str, who: str = "father") -> str:
        person = login(demo[who], "en")
        if service == CLEARANCE:
            return reference_of(apply(person, CLEARANCE, {"clearance_for": "person", "purpose": "other"}))
        answers = {
            "account_number": "7712345",
            "bill_date": dt.date.today().isoformat(),
            "reason": "wrong_reading",
        }
        photo = {"meter_photo": SimpleUploadedFile("meter.png", PNG, content_type="image/png")}
        return reference_of(apply(person, OBJECTION, answers, photo))

    return make


def reads() -> int:
    return AuditEntry.objects.filter(kind=AuditEntry.Kind.DATA_READ).count()


def agency_deliveries(reference: str) -> list[Delivery]:
    return list(Delivery.objects.filter(topic=f"application:{reference}", channel="agency"))


def connect(*args: str) -> str:
    out = StringIO()
    call_command("connect_agency", "--agency", "mew", *args, stdout=out)
    return out.getvalue()


def test_a_back_office_case_is_not_the_agency_systems_to_list_read_or_decide(mew, file_case):
    ours, theirs = file_case(CLEARANCE), file_case(OBJECTION)
    attachment = Application.objects.get(reference=theirs).attachments.get().pk
    before = reads()

    assert [a["reference"] for a in mew.get("/applications").json()["items"]] == [ours]
    assert mew.get("/applications", after=theirs).status_code == 404
    missing = mew.get("/applications/2099-9999999").json()
    assert mew.get(f"/applications/{theirs}").json() == missing
    assert mew.get(f"/applications/{theirs}/attachments/{attachment}").status_code == 404
    writes = {
        "decision": {"outcome": "rejected", "reason": "Not ours to refuse"},
        "status": {"status": "received"},
        "information-requests": {"message": "Which meter?"},
    }
    for number, (path, body) in enumerate(writes.items()):
        answer = mew.post(f"/applications/{theirs}/{path}", body, f"w-{number}")
        assert answer.status_code == 404 and answer.json()["code"] == "application.not_found", path
    document = mew.http.post(
        f"/applications/{theirs}/documents",
        data={"document": "letter", "title_ar": "خطاب", "title_en": "Letter"},
        files={"file": ("letter.pdf", PDF, "application/pdf")},
        headers=mew.headers("w-doc"),
    )
    assert document.status_code == 404

    # It stays in the caseworkers' queue as it was, nobody read anyone's data, no key was kept.
    case = Application.objects.get(reference=theirs)
    assert case.state == "in_review" and list(case.history.values_list("kind", flat=True)) == [
        "submitted",
        "sent_to_agency",
    ]
    assert reads() == before + 0 and not IdempotentRequest.objects.filter(caller="agency:mew").exists()
    # Its own service's case is still the system's to decide.
    assert mew.post(f"/applications/{ours}/decision", {"outcome": "approved"}, "ok-1").status_code == 200


def test_a_list_writes_no_access_entries_and_a_read_writes_one_per_person(mew, login, demo):
    # Ahmad files for his daughter Sara: the application names two people.
    father = login(demo["father"], "en")
    assert father.post("/acting-as", {"subject": demo["daughter"]}).status_code == 302
    reference = reference_of(apply(father, CLEARANCE, {"clearance_for": "person", "purpose": "other"}))
    before = reads()

    for limit in (1, 100):
        listed = mew.get("/applications", limit=limit).json()
        assert [a["reference"] for a in listed["items"]] == [reference]
    assert demo["daughter"] not in json.dumps(listed) and demo["father"] not in json.dumps(listed)
    assert reads() == before

    assert mew.get(f"/applications/{reference}").status_code == 200
    written = AuditEntry.objects.filter(kind=AuditEntry.Kind.DATA_READ).order_by("sequence")[before:]
    assert sorted((e.subject_civil_id, e.application_reference, e.data) for e in written) == sorted(
        [(demo["daughter"], reference, "application"), (demo["father"], reference, "application")]
    )
    assert all(e.agency.code == "mew" for e in written)
    # Each person sees it in their own access log.
    for who in ("father", "daughter"):
        entries = AuditEntry.objects.filter(subject_civil_id=demo[who], kind=AuditEntry.Kind.DATA_READ)
        assert entries.filter(application_reference=reference).count() == 1, who


def test_the_take_over_setting_opens_the_back_office_cases_to_the_system(mew, file_case):
    theirs = file_case(OBJECTION)
    run_tasks()
    assert mew.get(f"/applications/{theirs}").status_code == 404
    with pytest.raises(CommandError, match="has no system: connect it with --endpoint first"):
        connect("--take-over-backoffice")

    said = connect("--endpoint", "https://mew.example/sahl")
    assert "its system works agency_api services only" in said
    assert agency_deliveries(theirs) == [] and mew.get(f"/applications/{theirs}").status_code == 404

    # The agency takes its back office over: the waiting case is handed to its system at once.
    said = connect("--take-over-backoffice")
    assert "its system works agency_api and backoffice services" in said
    assert "1 delivery(ies) waiting to be sent" in said
    assert Connection.objects.get(agency=mew.agency).takes_over_backoffice
    assert len(agency_deliveries(theirs)) == 1
    assert [a["reference"] for a in mew.get("/applications").json()["items"]] == [theirs]
    assert mew.get(f"/applications/{theirs}").json()["service"] == OBJECTION
    # Connecting again keeps the choice (and delivers nothing twice).
    assert "agency_api and backoffice" in connect("--endpoint", "https://mew.example/sahl/v2")
    assert len(agency_deliveries(theirs)) == 1

    # Back to agency_api only: the case is the caseworkers' again.
    assert "agency_api services only" in connect("--no-take-over-backoffice")
    assert mew.get(f"/applications/{theirs}").status_code == 404
    connect("--take-over-backoffice")
    decided = mew.post(f"/applications/{theirs}/decision", {"outcome": "approved"}, "d-1")
    assert decided.status_code == 200 and decided.json()["state"] == "completed"


def pending_events() -> None:
    """Let integrations hear of what was filed (its listener posts the deliveries)."""
    for handling in Handling.objects.filter(state="pending").order_by("pk"):
        event_tasks.run(handling.pk)


def test_cases_filed_before_the_system_is_connected_are_delivered_to_it_once(
    mew, file_case, login, demo, tmp_path
):
    # Filed while MEW had no system: they wait in the back office; nothing to deliver to.
    early, other = file_case(CLEARANCE), file_case(CLEARANCE, "mother")
    objection = file_case(OBJECTION)
    pending_events()
    filed_unheard = file_case(CLEARANCE, "expat")  # its event not yet handled when the system connects
    assert not Delivery.objects.filter(channel="agency").exists()

    # MEW connects its system: what waited is handed to it through the outbox (no HTTP yet).
    connection = integrations.connect(mew.agency, "http://127.0.0.1:9/")
    assert {len(agency_deliveries(r)) for r in (early, other, filed_unheard)} == {1}
    assert agency_deliveries(objection) == []  # a back-office case stays with the caseworkers
    # The listener then hears of the last one, connecting again changes nothing: once each.
    pending_events()
    integrations.connect(mew.agency, "http://127.0.0.1:9/")
    assert integrations.hand_over(mew.agency) == 0
    assert {len(agency_deliveries(r)) for r in (early, other, filed_unheard)} == {1}

    keys = [
        {"kty": "OKP", "crv": "Ed25519", "x": k.public_raw, "kid": k.kid, "use": "sig", "alg": "EdDSA"}
        for k in integrations.public_keys("mew")
    ]
    (tmp_path / "keys.json").write_text(json.dumps({"keys": keys}))
    with running_simulator(
        "mew",
        "http://127.0.0.1:9",
        tmp_path / "credentials.json",
        keys=tmp_path / "keys.json",
        no_decide=True,
    ) as simulator:
        Connection.objects.filter(pk=connection.pk).update(endpoint=simulator.endpoint)
        for delivery in Delivery.objects.filter(channel="agency"):
            outbox_tasks.attempt(delivery.pk)
        stats = simulator.stats()
    received = sorted(answer["application"] for answer in stats["answers"].values())
    assert received == sorted([early, other, filed_unheard])
    assert set(stats["events"].values()) == {1} and stats["duplicates"] == 0
    for reference in (early, other, filed_unheard):
        assert "delivered" in Application.objects.get(reference=reference).history.values_list(
            "kind", flat=True
        )


def test_an_application_withdrawn_before_the_listener_hears_of_it_is_not_delivered(
    mew, file_case, login, demo
):
    integrations.connect(mew.agency, "https://mew.example/sahl")
    reference = file_case(CLEARANCE)
    withdrawn = login(demo["father"], "en").post(f"/applications/{reference}/withdraw")
    assert withdrawn.status_code == 302 and Application.objects.get(reference=reference).state == "withdrawn"
    pending_events()
    assert agency_deliveries(reference) == []
