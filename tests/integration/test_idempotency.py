"""One Idempotency-Key mechanism for the people's API (and apply form) and the agency API
(`sahl.idempotency`, ADR 0012), driven over HTTP: the same key and request answer the same again
and do nothing twice; the same key with another request answers 409 in the caller's language;
keys are per caller; old answers are swept; the old tables' rows are carried over."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sahl.applications.models import Application, HistoryEvent
from sahl.idempotency.models import IdempotentRequest
from sahl.registry.models import Passport, Vehicle
from tests.integration.conftest import apply, reference_of
from tests.integration.test_agency_api import CLEARANCE, System

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
RENEWAL = "moi.vehicle-registration-renewal"
PASSPORT = "moi.passport-renewal"
CONFLICT = {
    "ar": "استُخدم مفتاح الطلب هذا لطلب مختلف.",
    "en": "This request key was already used for a different request.",
}


def create(client, service: str, answers: dict, key: str):
    return client.post(
        "/api/v1/applications",
        {"service": service, "answers": json.dumps(answers)},
        HTTP_IDEMPOTENCY_KEY=key,
    )


def counts() -> tuple[int, int, int]:
    return Application.objects.count(), HistoryEvent.objects.count(), IdempotentRequest.objects.count()


@pytest.fixture
def mew(db) -> System:
    return System("mew")


@pytest.fixture
def moi(db) -> System:
    return System("moi")


@pytest.fixture
def passport(demo) -> str:
    return Passport.objects.get(holder__civil_id=demo["father"]).number


# --- The people's API and the apply form ------------------------------------------------------


def test_a_persons_replay_answers_the_same_application_and_files_nothing_new(login, demo, passport):
    father = login(demo["father"], "en")
    answers = {"passport_number": passport, "delivery": "kiosk"}
    first = create(father, PASSPORT, answers, "person-key-1")
    assert first.status_code == 201, first.content
    before = counts()
    again = create(father, PASSPORT, answers, "person-key-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert counts() == before  # no application, no history, no key row more
    kept = IdempotentRequest.objects.get(key="person-key-1")
    assert kept.caller.startswith("person:") and kept.response == {"reference": first.json()["reference"]}


def test_a_persons_key_with_another_request_is_a_409_problem_in_their_language(login, demo, passport):
    father = login(demo["father"], "ar")
    assert (
        create(father, PASSPORT, {"passport_number": passport, "delivery": "kiosk"}, "k-9").status_code == 201
    )
    before = counts()
    other = create(father, PASSPORT, {"passport_number": passport, "delivery": "courier"}, "k-9")
    assert other.status_code == 409 and other["Content-Type"] == "application/problem+json"
    body = other.json()
    assert body["code"] == "idempotency.conflict" and body["title"] == CONFLICT["ar"]
    assert body["messages"] == CONFLICT
    assert counts() == before


def test_the_apply_form_replays_its_key_and_refuses_it_for_other_answers(login, demo, passport):
    father = login(demo["father"], "ar")
    kiosk = {"passport_number": passport, "delivery": "kiosk"}
    reference = reference_of(apply(father, PASSPORT, kiosk, key="form-key-1"))
    before = counts()
    assert reference_of(apply(father, PASSPORT, kiosk, key="form-key-1")) == reference  # a double click
    other = apply(father, PASSPORT, kiosk | {"delivery": "courier"}, key="form-key-1")
    assert other.status_code == 409 and CONFLICT["ar"] in other.content.decode()
    assert counts() == before


def test_the_apply_form_replays_its_key_after_the_person_stopped_being_eligible(login, demo):
    """A free renewal completes at once and its car is then too early to renew: the same form sent
    again (a lost answer, a double click) still leads to the application it filed, not to a refusal."""
    expat = login(demo["expat"], "en")
    renewal, answers = "moi.vehicle-registration-renewal", {"plate_number": "45-20002"}
    reference = reference_of(apply(expat, renewal, answers, key="renew-key-1"))
    car = Vehicle.objects.get(plate="45-20002")
    car.registration_expiry += dt.timedelta(days=365)  # as the renewal's approval leaves it
    car.save(update_fields=["registration_expiry"])
    before = counts()
    again = apply(expat, renewal, answers, key="renew-key-1")
    assert again.status_code == 302 and again["Location"].endswith(f"/applications/{reference}")
    assert counts() == before
    refused = apply(expat, renewal, answers, key="renew-key-2")  # a new submission is refused, as before
    assert refused.status_code == 400 and 'data-verdict="application.too_early"' in refused.content.decode()
    other = apply(expat, renewal, {"plate_number": "45-20002 "}, key="renew-key-1")
    assert other.status_code == 409  # the key with other answers, as for an eligible person
    assert counts() == before


def test_a_too_long_key_is_refused_before_anything_is_done(login, demo, passport):
    father = login(demo["father"], "en")
    before = counts()
    long = create(father, PASSPORT, {"passport_number": passport, "delivery": "kiosk"}, "k" * 81)
    assert long.status_code == 400 and long.json()["code"] == "idempotency.too_long"
    assert "80" in long.json()["messages"]["en"] and long.json()["messages"]["ar"]
    assert counts() == before


# --- The agency API ---------------------------------------------------------------------------


@pytest.fixture
def filed(login, demo):
    father = login(demo["father"], "en")
    return lambda: reference_of(apply(father, CLEARANCE, {"clearance_for": "person", "purpose": "other"}))


def test_an_agencys_replay_answers_the_same_and_does_nothing_twice(mew, filed):
    reference = filed()
    body = {"message": "Send the lease contract", "document": "lease"}
    first = mew.post(f"/applications/{reference}/information-requests", body, "ask-1")
    assert first.status_code == 201, first.text
    before = counts()
    again = mew.post(f"/applications/{reference}/information-requests", body, "ask-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert counts() == before
    assert IdempotentRequest.objects.get(caller="agency:mew", key="ask-1").response == first.json()


def test_an_agencys_key_with_another_body_is_a_409_problem_in_both_languages(mew, filed):
    reference = filed()
    assert mew.post(f"/applications/{reference}/status", {"status": "received"}, "st-1").status_code == 200
    before = counts()
    other = mew.post(f"/applications/{reference}/status", {"status": "in_progress"}, "st-1", language="ar")
    assert other.status_code == 409 and other.headers["Content-Type"] == "application/problem+json"
    assert other.json()["title"] == CONFLICT["ar"] and other.json()["messages"] == CONFLICT
    assert "Idempotent-Replayed" not in other.headers
    assert counts() == before


# --- Keys are per caller ----------------------------------------------------------------------


def test_two_people_and_two_agencies_may_use_one_key_and_each_gets_their_own_answer(
    login, demo, passport, mew, moi
):
    father, expat = login(demo["father"], "en"), login(demo["expat"], "en")
    his = create(father, PASSPORT, {"passport_number": passport, "delivery": "kiosk"}, "shared")
    theirs = create(expat, RENEWAL, {"plate_number": "45-20002"}, "shared")
    assert his.status_code == theirs.status_code == 201
    assert his.json()["reference"] != theirs.json()["reference"]
    assert his.json()["service"] == PASSPORT and theirs.json()["service"] == RENEWAL
    # The same key again for each: each gets their own application back.
    assert create(father, PASSPORT, {"passport_number": passport, "delivery": "kiosk"}, "shared").json() == (
        his.json()
    )
    assert (
        create(expat, RENEWAL, {"plate_number": "45-20002"}, "shared").json()["reference"]
        == (theirs.json()["reference"])
    )
    clearance = reference_of(apply(father, CLEARANCE, {"clearance_for": "person", "purpose": "other"}))
    reported = mew.post(f"/applications/{clearance}/status", {"status": "received"}, "shared")
    assert reported.status_code == 200 and reported.json()["reference"] == clearance
    assert "Idempotent-Replayed" not in reported.headers
    plate = Vehicle.objects.filter(owner__civil_id=demo["father"]).first().plate
    until = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    updated = moi.post(f"/registers/vehicles/{plate}", {"registration_expiry": until}, "shared")
    assert updated.status_code == 200 and updated.json()["plate"] == plate
    assert "Idempotent-Replayed" not in updated.headers
    callers = set(IdempotentRequest.objects.filter(key="shared").values_list("caller", flat=True))
    assert len(callers) == 4 and {"agency:mew", "agency:moi"} <= callers


# --- Keys do not live forever -----------------------------------------------------------------


def test_the_sweep_forgets_answers_older_than_a_day_and_their_keys_may_be_used_again(login, demo, passport):
    father, expat = login(demo["father"], "en"), login(demo["expat"], "en")
    old = create(father, PASSPORT, {"passport_number": passport, "delivery": "kiosk"}, "old-key")
    fresh = create(expat, RENEWAL, {"plate_number": "45-20002"}, "fresh-key")
    assert old.status_code == fresh.status_code == 201
    IdempotentRequest.objects.filter(key="old-key").update(created_at=timezone.now() - dt.timedelta(hours=25))
    IdempotentRequest.objects.filter(key="fresh-key").update(
        created_at=timezone.now() - dt.timedelta(hours=23)
    )
    out = io.StringIO()
    call_command("idempotency_sweep", stdout=out)
    assert out.getvalue().startswith("1 idempotency keys older than 24 h deleted")
    assert not IdempotentRequest.objects.filter(key="old-key").exists()
    assert IdempotentRequest.objects.filter(key="fresh-key").exists()
    # The fresh key still replays; the forgotten one is free for a new request.
    assert create(expat, RENEWAL, {"plate_number": "45-20002"}, "fresh-key").json() == fresh.json()
    withdrawn = father.post(
        f"/api/v1/applications/{old.json()['reference']}/withdraw",
        {"reason": "changed my mind"},
        content_type="application/json",
    )
    assert withdrawn.status_code == 200, withdrawn.content
    reused = create(father, PASSPORT, {"passport_number": passport, "delivery": "courier"}, "old-key")
    assert reused.status_code == 201 and reused.json()["reference"] != old.json()["reference"]


def test_the_sweep_refuses_a_window_that_would_forget_every_answer():
    with pytest.raises(CommandError, match="--hours"):
        call_command("idempotency_sweep", hours=0)


# --- The old tables' rows are carried over ----------------------------------------------------

BEFORE = [
    ("applications", "0009_open_cases_by_due_and_id"),
    ("integrations", "0002_agency_api_token_throttle"),
    ("idempotency", "0001_initial"),
]

MIGRATE = f"""
import datetime
import json
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = {BEFORE!r}
executor = MigrationExecutor(connection)
executor.migrate(BEFORE)
old = executor.loader.project_state(BEFORE).apps
Agency = old.get_model("catalogue", "Agency")
Category = old.get_model("catalogue", "Category")
Service = old.get_model("catalogue", "Service")
Version = old.get_model("catalogue", "ServiceVersion")
User = old.get_model("identity", "User")
Application = old.get_model("applications", "Application")
Key = old.get_model("applications", "IdempotencyKey")
AgencyRequest = old.get_model("integrations", "AgencyRequest")

mew = Agency.objects.create(code="mew", name_ar="ك", name_en="MEW", description_ar="-", description_en="-")
category = Category.objects.create(code="utilities", name_ar="خ", name_en="Utilities")
service = Service.objects.create(
    code="mew.clearance-certificate", agency=mew, category=category, name_ar="ش", name_en="Clearance",
    description_ar="-", description_en="-", fee_fils=0, working_days=3, processing="agency_api",
    for_individuals=True, for_businesses=False, search_text="clearance",
)
version = Version.objects.create(
    service=service, number=1, digest="0" * 64, definition={{}}, source="x.yaml", published_at=timezone.now()
)
ahmad = User.objects.create(civil_id="288031400029", name_ar="أحمد", name_en="Ahmad")
mona = User.objects.create(civil_id="290010100013", name_ar="منى", name_en="Mona")
filed = Application.objects.create(
    reference="2026-0000001", service=service, version=version, agency=mew, applicant=ahmad,
    subject_civil_id=ahmad.civil_id, state="in_review",
)
when = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=2)
Key.objects.create(user=ahmad, key="k-1", request_hash="a" * 64, application=filed)
Key.objects.create(user=mona, key="k-1", request_hash="c" * 64, application=None)
answer = {{"reference": "2026-0000001", "state": "in_review", "note": "العداد قيد الفحص"}}
AgencyRequest.objects.create(agency=mew, key="k-1", request_hash="b" * 64, status_code=200, response=answer)
Key.objects.update(created_at=when)
AgencyRequest.objects.update(created_at=when)

call_command("migrate", verbosity=0)
from sahl.idempotency import services
from sahl.idempotency.models import IdempotentRequest

def refuse():
    raise AssertionError("a replay must not run the work again")

replayed = services.once("agency:mew", "k-1", "b" * 64, refuse)
try:
    services.once("agency:mew", "k-1", "d" * 64, refuse)
    conflict = None
except services.IdempotencyConflict as error:
    conflict = error.code
rows = sorted(
    [r.caller.replace(str(ahmad.pk), "ahmad").replace(str(mona.pk), "mona"), r.key, r.request_hash[:1],
     r.status_code, r.response, r.created_at == when]
    for r in IdempotentRequest.objects.all()
)
tables = connection.introspection.table_names()
print(json.dumps({{
    "rows": rows,
    "replayed": [replayed.status, replayed.body, replayed.replayed],
    "conflict": conflict,
    "old_tables": [t for t in ("applications_idempotencykey", "integrations_agencyrequest") if t in tables],
}}))
"""


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of its own (the test's lives inside a transaction and is fully migrated)."""
    url = os.environ.get("DATABASE_URL", "")
    env = os.environ | {
        "SAHL_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "sahl.settings",
        "SAHL_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    if not url.startswith("postgres"):
        env.pop("DATABASE_URL", None)  # SQLite in tmp_path
        yield env
        return
    import psycopg

    parts = urlsplit(url)
    name = f"sahl_idempotency_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield env | {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(databases=[])
def test_the_migration_carries_the_old_tables_rows_over_and_they_replay(fresh_database):
    done = subprocess.run(
        [sys.executable, "-c", MIGRATE],
        env=fresh_database,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    note = {"reference": "2026-0000001", "state": "in_review", "note": "العداد قيد الفحص"}
    assert result["rows"] == [
        ["agency:mew", "k-1", "b", 200, note, True],
        ["person:ahmad", "k-1", "a", 201, {"reference": "2026-0000001"}, True],
        ["person:mona", "k-1", "c", 0, {}, True],  # never answered: a replay of it is refused
    ]
    assert result["replayed"] == [200, note, True]
    assert result["conflict"] == "idempotency.conflict"
    assert result["old_tables"] == []
