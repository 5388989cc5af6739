"""seed_scale: a synthetic country bulk-loaded into PostgreSQL, resumable and idempotent.

Each load runs in a database of its own, copied from the session's test database (migrated, with
the catalogue and seed_demo's population): the load runs on top of the demo data, as it may in a
real database. On SQLite the command refuses, and so these tests skip."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db import connection, connections

from sahl.applications.models import Application, Decision, HistoryEvent, Party
from sahl.applications.states import TRANSITIONS, State
from sahl.catalogue.models import Service
from sahl.core.civil_id import CivilId
from sahl.demo.scale import writer
from sahl.identity.models import StaffMembership, User
from sahl.registry.models import CompanyRole, Marriage, Person
from tests.conftest import DEMO_PASSWORD

POSTGRES = connection.vendor == "postgresql"
postgres = pytest.mark.skipif(not POSTGRES, reason="seed_scale loads PostgreSQL only")

PEOPLE, APPLICATIONS = 2000, 8000
AS_OF = dt.datetime.fromisoformat("2026-11-15T10:00:00+03:00")
SIZE = {"people": PEOPLE, "applications": APPLICATIONS, "people_batch": 500, "applications_batch": 2000}
LOADED = (
    "registry_person",
    "registry_vehicle",
    "identity_user",
    "applications_application",
    "applications_historyevent",
    "applications_party",
    "applications_decision",
)


def seed_scale(alias: str, **options) -> str:
    out = StringIO()
    call_command("seed_scale", database=alias, as_of=AS_OF, stdout=out, stderr=StringIO(), **(SIZE | options))
    return out.getvalue()


def _admin():
    import psycopg

    s = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=s["USER"] or None,
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        password=s["PASSWORD"] or None,
        autocommit=True,
    )


@pytest.fixture(scope="session")
def scale_template(django_db_setup, django_db_blocker):
    """A copy of the session's test database (migrated, the catalogue and the demo population in it),
    made once, early (see the first test), before transactional tests flush the test database."""
    source = connection.settings_dict["NAME"]
    name = f"{source}_scale"[:63]
    with django_db_blocker.unblock():
        connection.close()  # CREATE DATABASE ... TEMPLATE wants nobody connected to the source
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    yield name
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def copy_database(scale_template, django_db_blocker):
    """Makes a database of its own from the template, under a connection alias; drops them after."""
    made: list[tuple[str, str]] = []

    def copy(suffix: str) -> str:
        name, alias = f"{scale_template}_{suffix}"[:63], f"scale_{suffix}"
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{scale_template}"')
        connections.settings[alias] = {**connection.settings_dict, "NAME": name}
        made.append((alias, name))
        return alias

    with django_db_blocker.unblock():
        yield copy
        for alias, name in made:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]
            with _admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@postgres
@pytest.mark.django_db
def test_the_catalogue_is_there_to_load(scale_template):
    """Also what makes the template early: tests marked django_db run before the others."""
    assert Service.objects.filter(is_active=True).count() > 150


def schema(alias: str) -> set[str]:
    """The names of the indexes and constraints of the loaded tables."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) "
            "UNION SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid::regclass::text = ANY(%s)",
            [list(LOADED), list(LOADED)],
        )
        return {row[0] for row in cursor.fetchall()}


def bases(alias: str) -> dict[str, int]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT state -> 'bases' FROM seed_scale_progress WHERE phase = 'plan'")
        found = cursor.fetchone()[0]
    return found if isinstance(found, dict) else json.loads(found)


def fingerprint(alias: str) -> tuple[str, ...]:
    """What a load made, summed up: equal fingerprints, equal rows."""
    queries = (
        "SELECT md5(string_agg(concat_ws('|', id, civil_id, name_en, birth_date, father_id, mother_id), ',' "
        "ORDER BY id)) FROM registry_person",
        "SELECT md5(string_agg(concat_ws('|', id, reference, state, subject_civil_id, applicant_id, form_data, "
        "created_at, due_on), ',' ORDER BY id)) FROM applications_application",
        "SELECT md5(string_agg(concat_ws('|', application_id, kind, at, actor_id, note), ',' ORDER BY id)) "
        "FROM applications_historyevent",
        "SELECT md5(string_agg(concat_ws('|', application_id, role, civil_id, consent), ',' ORDER BY id)) "
        "FROM applications_party",
    )
    with connections[alias].cursor() as cursor:
        found = []
        for query in queries:
            cursor.execute(query)
            found.append(cursor.fetchone()[0])
    return tuple(found)


def counts(alias: str) -> dict[str, int]:
    with connections[alias].cursor() as cursor:
        found = {}
        for table in LOADED:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            found[table] = cursor.fetchone()[0]
    return found


@pytest.fixture(scope="module")
def loaded(copy_database):
    """One database loaded in one go; its indexes and constraints before the load, and the output."""
    alias = copy_database("scale_a")
    before = schema(alias)
    output = seed_scale(alias)
    return {"alias": alias, "schema": before, "output": output, "bases": bases(alias)}


@postgres
def test_the_numbers_asked_on_top_of_the_demo_data(loaded, demo_names):
    alias, first = loaded["alias"], loaded["bases"]
    people = Person.objects.using(alias).filter(id__gte=first["registry_person"])
    assert people.count() == PEOPLE
    applications = Application.objects.using(alias).filter(id__gte=first["applications_application"])
    assert applications.count() == APPLICATIONS
    accounts = User.objects.using(alias).filter(id__gte=first["identity_user"])
    assert 0.15 * PEOPLE <= accounts.count() <= 0.3 * PEOPLE
    assert CompanyRole.objects.using(alias).filter(role="owner").count() > 0
    # The demo people are still there, with their logins.
    father = User.objects.using(alias).get(civil_id="288031400029")
    assert father.name_en == demo_names["father"] and check_password(DEMO_PASSWORD, father.password)
    assert "seed_scale: loaded" in loaded["output"] and "sahl-demo-2026" in loaded["output"]


@postgres
def test_indexes_and_constraints_are_back_as_the_migrations_made_them(loaded):
    assert schema(loaded["alias"]) == loaded["schema"]
    with connections[loaded["alias"]].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM seed_scale_dropped")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated")
        assert cursor.fetchone()[0] == 0


@postgres
def test_civil_ids_are_valid_and_families_linked(loaded):
    alias, first = loaded["alias"], loaded["bases"]["registry_person"]
    people = {p.id: p for p in Person.objects.using(alias).filter(id__gte=first)}
    for person in people.values():
        civil_id = CivilId.parse(person.civil_id)  # the check digit holds
        assert civil_id.birth_date == person.birth_date
        assert 100 <= int(person.civil_id[7:11]) <= 999  # serials the demo population never uses
    children = [p for p in people.values() if p.father_id]
    assert len(children) > PEOPLE / 5
    for child in children:
        father, mother = people[child.father_id], people[child.mother_id]
        assert (father.sex, mother.sex) == ("M", "F")
        assert child.birth_date.year - mother.birth_date.year >= 18
        assert child.nationality == father.nationality
    marriages = Marriage.objects.using(alias).filter(husband_id__gte=first)
    assert marriages.count() > PEOPLE / 10
    assert all(people[m.husband_id].sex == "M" and people[m.wife_id].sex == "F" for m in marriages)
    workers = [p for p in people.values() if p.residency == "article-20"]
    assert workers and all(people[w.sponsor_id].nationality == "KW" for w in workers)


@postgres
def test_every_application_has_the_history_of_its_state(loaded):
    alias, first = loaded["alias"], loaded["bases"]["applications_application"]
    applications = {a.id: a for a in Application.objects.using(alias).filter(id__gte=first)}
    history = defaultdict(list)
    for event in HistoryEvent.objects.using(alias).filter(application_id__gte=first).order_by("at", "pk"):
        history[event.application_id].append(event)
    decisions = {d.application_id: d for d in Decision.objects.using(alias).filter(application_id__gte=first)}
    parties = defaultdict(list)
    for party in Party.objects.using(alias).filter(application_id__gte=first):
        parties[party.application_id].append(party.consent)
    for application in applications.values():
        events = history[application.id]
        assert events, application.reference
        assert events[0].kind in ("created", "submitted")
        state = State.DRAFT
        for event in events:
            if event.to_state:
                assert event.from_state == state and State(event.to_state) in TRANSITIONS[state], (
                    application.id
                )
                state = State(event.to_state)
        assert state == application.state
        assert application.created_at == events[0].at and application.updated_at == events[-1].at
        assert application.reference == f"{application.created_at.year}-{application.id:07d}"
        outcome = {"completed": "approved", "rejected": "rejected"}.get(application.state)
        assert (decisions[application.id].outcome if application.id in decisions else None) == outcome
        if application.state == "submitted":
            assert "pending" in parties[application.id]
        if application.state == "cancelled":
            assert "declined" in parties[application.id]
        if application.state in ("in_review", "action_needed"):
            assert application.due_on is not None
        paused = application.state in ("action_needed", "awaiting_payment")  # the clock stops
        assert (application.paused_since is not None) == paused
    states = {a.state for a in applications.values()}
    # Every state but approved, which never rests: completed follows in the same transaction.
    assert states == {s.value for s in State} - {"approved"}
    created = sorted(a.created_at for a in applications.values())
    assert created[-1] <= AS_OF and created[-1] - created[0] > dt.timedelta(days=2 * 365)
    assert len({a.service_id for a in applications.values()}) > 150
    assert len({a.reference for a in applications.values()}) == APPLICATIONS


@postgres
def test_every_account_logs_in_with_the_one_password(loaded):
    alias, first = loaded["alias"], loaded["bases"]["identity_user"]
    hashes = set(User.objects.using(alias).filter(id__gte=first).values_list("password", flat=True))
    assert len(hashes) == 1 and check_password(DEMO_PASSWORD, hashes.pop())
    staff = StaffMembership.objects.using(alias).filter(user_id__gte=first)
    agencies = set(Service.objects.using(alias).filter(is_active=True).values_list("agency_id", flat=True))
    assert set(staff.filter(role="supervisor").values_list("agency_id", flat=True)) == agencies
    assert set(staff.filter(role="caseworker").values_list("agency_id", flat=True)) == agencies


@postgres
def test_a_second_run_adds_nothing(loaded):
    alias = loaded["alias"]
    before = counts(alias)
    output = seed_scale(alias)
    assert "already loaded" in output
    assert counts(alias) == before


@postgres
def test_other_numbers_are_refused(loaded):
    with pytest.raises(CommandError, match="2,000 people and 8,000 applications"):
        seed_scale(loaded["alias"], people=3000)


@postgres
def test_an_interrupted_load_resumes_to_the_same_rows(loaded, copy_database, monkeypatch):
    alias = copy_database("scale_b")
    with connections[alias].cursor() as cursor:  # no catalogue: refused, nothing done
        cursor.execute("UPDATE catalogue_service SET is_active = false")
        with pytest.raises(CommandError, match="load_catalogue"):
            seed_scale(alias)
        cursor.execute("UPDATE catalogue_service SET is_active = true")
    before = counts(alias)
    # 4 batches of people, then 1 of applications, and stop.
    assert "stopped as asked" in seed_scale(alias, stop_after=5)
    after = counts(alias)
    assert after["registry_person"] - before["registry_person"] == PEOPLE
    assert after["applications_application"] - before["applications_application"] == 2000
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM seed_scale_dropped WHERE phase = 'applications'")
        assert cursor.fetchone()[0] > 0  # the applications' indexes are still off
    # The next batch dies half-way through its COPYs: its transaction leaves nothing behind.
    calls = []
    real = writer.copy_rows

    def dying(cursor, table, columns, rows):
        calls.append(table)
        if len(calls) == 3:
            raise RuntimeError("the load died")
        real(cursor, table, columns, rows)

    monkeypatch.setattr(writer, "copy_rows", dying)
    with pytest.raises(RuntimeError, match="the load died"):
        seed_scale(alias)
    assert counts(alias) == after
    monkeypatch.setattr(writer, "copy_rows", real)
    assert "seed_scale: loaded" in seed_scale(alias)
    assert counts(alias) == counts(loaded["alias"])
    assert fingerprint(alias) == fingerprint(loaded["alias"])
    assert schema(alias) == loaded["schema"]


@pytest.mark.skipif(POSTGRES, reason="the refusal is what SQLite gets")
def test_sqlite_is_refused():
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("seed_scale", people=10, stdout=StringIO())
