"""seed_scale: a synthetic country bulk-loaded into PostgreSQL, resumable and idempotent.

Each load runs in a database of its own, copied from the session's test database (migrated, with
the catalogue and seed_demo's population): the load runs on top of the demo data, as it may in a
real database. On SQLite the command refuses, and so these tests skip."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test import Client, override_settings

from sahl.applications.models import Application, Decision, HistoryEvent, Party
from sahl.applications.states import TRANSITIONS, State
from sahl.catalogue.models import Service
from sahl.catalogue.services import definition_of
from sahl.core.civil_id import CivilId
from sahl.demo.scale import writer
from sahl.identity.models import StaffMembership, User
from sahl.journeys import reading
from sahl.journeys.definition import rebuild_published
from sahl.journeys.models import Entry, Journey, JourneyVersion, Member, Step
from sahl.registry.models import (
    Birth,
    Company,
    CompanyRole,
    ContributionStatement,
    Marriage,
    Person,
    WorkPermit,
)
from tests.conftest import DEMO_PASSWORD

POSTGRES = connection.vendor == "postgresql"
postgres = pytest.mark.skipif(not POSTGRES, reason="seed_scale loads PostgreSQL only")

PEOPLE, APPLICATIONS = 2000, 8000
AS_OF = dt.datetime.fromisoformat("2026-11-15T10:00:00+03:00")
SIZE = {
    "people": PEOPLE,
    "applications": APPLICATIONS,
    "people_batch": 500,
    "applications_batch": 2000,
    "journeys_batch": 10,
    "big_company": 0,  # test_no_journeys_published_no_journeys makes one
}
BIRTHS, MARRIAGES = PEOPLE // 100, PEOPLE // 250  # a year's, in Kuwait's proportions
LOADED = (
    "registry_person",
    "registry_vehicle",
    "identity_user",
    "applications_application",
    "applications_historyevent",
    "applications_party",
    "applications_decision",
    "registry_birth",
    "journeys_journey",
    "journeys_member",
    "journeys_step",
    "journeys_entry",
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
        "SELECT md5(string_agg(concat_ws('|', id, child_id, notification_number, hospital, recorded_at), ',' "
        "ORDER BY id)) FROM registry_birth",
        "SELECT md5(string_agg(concat_ws('|', husband_id, married_on, contract_number), ',' ORDER BY husband_id)) "
        "FROM registry_marriage",
        "SELECT md5(string_agg(concat_ws('|', id, reference, code, facts::text, state, started_at, happened_on, "
        "finished_at, version_id), ',' ORDER BY id)) FROM journeys_journey",
        "SELECT md5(string_agg(concat_ws('|', journey_id, key, position, state, reason_en, due_on, updated_at), ',' "
        "ORDER BY journey_id, position)) FROM journeys_step",
        "SELECT md5(string_agg(concat_ws('|', journey_id, at, step, kind, actor_civil_id), ',' "
        "ORDER BY journey_id, at, id)) FROM journeys_entry",
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
def test_companies_employ_private_sector_residents_and_have_statements(loaded):
    alias, first = loaded["alias"], loaded["bases"]
    companies = Company.objects.using(alias).filter(id__gte=first["registry_company"])
    permits = WorkPermit.objects.using(alias).filter(company__in=companies).select_related("worker")
    employed = list(permits)
    assert employed and all(p.ended_on is None and p.worker.residency == "article-18" for p in employed)
    assert len({p.worker_id for p in employed}) == len(employed)  # one current employer each
    assert len({p.permit_number for p in employed}) == len(employed)
    assert all(p.permit_expiry <= p.worker.residency_expiry for p in employed)
    residents = Person.objects.using(alias).filter(id__gte=first["registry_person"], residency="article-18")
    assert len(employed) > 0.9 * residents.count()  # nearly all have an employer
    sizes = defaultdict(int)
    for permit in employed:
        sizes[permit.company_id] += 1
    assert len(sizes) == companies.count()  # every company has workers
    # Small companies and a few big ones (at this size only a handful of companies: loosely).
    assert sum(1 for n in sizes.values() if n <= 20) >= len(sizes) / 3 and max(sizes.values()) > 100
    statements = ContributionStatement.objects.using(alias).filter(company__in=companies)
    assert statements.count() == 3 * companies.count()
    overdue = statements.filter(paid_on__isnull=True).count()
    assert 0 < overdue < 0.25 * statements.count()
    assert all(s.insured_count > 0 and s.amount_fils > 0 for s in statements)
    assert "registry_workpermit" in loaded["output"] and "registry_contributionstatement" in loaded["output"]


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
    # The 3 batches of applications left, then 1 of journeys, and stop again: inside the journeys.
    assert "stopped as asked" in seed_scale(alias, stop_after=4)
    assert counts(alias)["journeys_journey"] - after["journeys_journey"] == SIZE["journeys_batch"]
    assert "seed_scale: loaded" in seed_scale(alias)
    assert counts(alias) == counts(loaded["alias"])
    assert fingerprint(alias) == fingerprint(loaded["alias"])
    assert schema(alias) == loaded["schema"]


@pytest.mark.skipif(POSTGRES, reason="the refusal is what SQLite gets")
def test_sqlite_is_refused():
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("seed_scale", people=10, stdout=StringIO())


# --- the journeys phase ---------------------------------------------------------------------------


class _ToTheLoad:
    """Sends every query the pages make to the loaded database."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def db_for_read(self, model, **hints):
        return self.alias

    def db_for_write(self, model, **hints):
        return self.alias

    def allow_relation(self, first, second, **hints):
        return True


def _local(moment: dt.datetime) -> dt.date:
    return moment.astimezone(AS_OF.tzinfo).date()


@postgres
def test_the_last_years_births_and_marriages_in_proportion(loaded):
    alias, first = loaded["alias"], loaded["bases"]["registry_person"]
    people = {p.id: p for p in Person.objects.using(alias).filter(id__gte=first)}
    service = Service.objects.using(alias).select_related("current_version").get(code="moh.birth-certificate")
    hospitals = set(definition_of(service.current_version).form["properties"]["hospital"]["enum"])
    births = list(Birth.objects.using(alias).filter(child_id__gte=first))
    assert len(births) == BIRTHS
    year_ago = AS_OF.date() - dt.timedelta(days=365)
    for birth in births:
        child = people[birth.child_id]
        assert year_ago < child.birth_date <= AS_OF.date()
        assert child.mother_id in people and child.father_id in people
        assert birth.hospital in hospitals
        assert birth.recorded_at <= AS_OF and _local(birth.recorded_at) >= child.birth_date
    marriages = Marriage.objects.using(alias).filter(husband_id__gte=first).exclude(contract_number="")
    assert marriages.count() == MARRIAGES
    assert all(year_ago < m.married_on <= AS_OF.date() for m in marriages)
    assert f"{BIRTHS} newborn, {MARRIAGES} married" in loaded["output"]
    assert re.search(rf"newborn +{BIRTHS} journeys \(\d+ completed\): {2 * BIRTHS} members", loaded["output"])


@postgres
def test_each_birth_and_marriage_has_its_journey_as_the_platform_leaves_it(loaded):
    alias, first = loaded["alias"], loaded["bases"]["registry_person"]
    people = {p.id: p for p in Person.objects.using(alias).filter(id__gte=first)}
    births = {f"birth:{b.id}": b for b in Birth.objects.using(alias).filter(child_id__gte=first)}
    marriages = {
        f"marriage:{m.id}": m
        for m in Marriage.objects.using(alias).filter(husband_id__gte=first).exclude(contract_number="")
    }
    newest = {}
    for version in JourneyVersion.objects.using(alias).order_by("number"):
        newest[version.code] = version
    defined = {code: rebuild_published(v.definition, code) for code, v in newest.items()}
    journeys = list(Journey.objects.using(alias).order_by("id"))
    assert {j.record for j in journeys if j.code == "newborn"} == set(births)
    assert {j.record for j in journeys if j.code == "married"} == set(marriages)
    assert len({j.reference for j in journeys}) == len(journeys) == BIRTHS + MARRIAGES
    members = defaultdict(set)
    for member in Member.objects.using(alias):
        members[member.journey_id].add((member.role, member.civil_id))
    steps = defaultdict(list)
    for step in Step.objects.using(alias).order_by("journey_id", "position"):
        steps[step.journey_id].append(step)
    history = defaultdict(list)
    for entry in Entry.objects.using(alias).order_by("journey_id", "at", "pk"):
        history[entry.journey_id].append(entry)
    seen_states = set()
    for journey in journeys:
        assert re.fullmatch(r"J-[A-HJ-NP-Z2-9]{10}", journey.reference)
        assert journey.version_id == newest[journey.code].id
        if journey.code == "newborn":
            birth = births[journey.record]
            child = people[birth.child_id]
            father, mother = people[child.father_id], people[child.mother_id]
            assert journey.facts == {
                "child": {
                    "civil_id": child.civil_id,
                    "name_ar": child.name_ar,
                    "name_en": child.name_en,
                    "birth_date": child.birth_date.isoformat(),
                    "sex": child.sex,
                    "nationality": child.nationality,
                    "is_kuwaiti": child.nationality == "KW",
                },
                "birth": {"hospital": birth.hospital, "notification_number": birth.notification_number},
            }
            assert journey.happened_on == child.birth_date and journey.started_at == birth.recorded_at
            assert members[journey.id] == {("father", father.civil_id), ("mother", mother.civil_id)}
        else:
            marriage = marriages[journey.record]
            assert journey.facts == {
                "marriage": {
                    "married_on": marriage.married_on.isoformat(),
                    "contract_number": marriage.contract_number,
                    "abroad": False,
                }
            }
            assert journey.happened_on == marriage.married_on
            assert members[journey.id] == {
                ("husband", people[marriage.husband_id].civil_id),
                ("wife", people[marriage.wife_id].civil_id),
            }
        assert _local(journey.started_at) >= journey.happened_on and journey.started_at <= AS_OF
        definition = defined[journey.code]
        state = {s.key: s.state for s in steps[journey.id]}
        assert [s.key for s in steps[journey.id]] == [s.key for s in definition.steps]
        for spec, step in zip(definition.steps, steps[journey.id], strict=True):
            assert step.application_id is None  # the scale load files no applications for steps
            waits = any(state[key] not in ("done", "not_applicable") for key in spec.after)
            assert (step.state == "pending") == waits, (journey.reference, spec.key)
            if step.state == "not_applicable":
                assert (step.reason_ar, step.reason_en) == (spec.reason.ar, spec.reason.en)
            else:
                assert step.reason_en == ""
            if journey.code == "newborn" and step.state != "pending":
                kuwaiti = journey.facts["child"]["is_kuwaiti"]
                if spec.key in ("passport", "civil_id"):
                    assert (step.state == "not_applicable") == (not kuwaiti)
                if spec.key in ("residency", "civil_id_resident"):
                    assert (step.state == "not_applicable") == kuwaiti
            seen_states.add(step.state)
        entries = history[journey.id]
        assert entries[0].kind == "started" and entries[0].at == journey.started_at
        assert all(journey.started_at <= e.at <= AS_OF for e in entries)
        for step in steps[journey.id]:  # the history ends where each step rests
            kinds = [e.kind for e in entries if e.step == step.key and e.kind != "confirmed"]
            assert (kinds[-1] if kinds else "pending") == step.state
        done = all(s in ("done", "not_applicable") for s in state.values())
        assert journey.state == ("completed" if done else "in_progress")
        assert (journey.finished_at is not None) == done
        if done:
            assert entries[-1].kind == "completed" and entries[-1].at == journey.finished_at
    assert {"done", "not_applicable", "offered", "waiting_for_you", "pending"} <= seen_states
    assert {j.state for j in journeys if j.code == "newborn"} == {"in_progress", "completed"}
    assert {j.state for j in journeys if j.code == "married"} == {"in_progress", "completed"}


@postgres
def test_a_parent_opens_the_journey_pages(loaded):
    alias = loaded["alias"]
    journeys = Journey.objects.using(alias).filter(code="newborn", steps__state="done").distinct()
    accounts = set(User.objects.using(alias).values_list("civil_id", flat=True))
    journey, member = next(
        (j, m)
        for j in journeys.order_by("id")
        for m in Member.objects.using(alias).filter(journey=j)
        if m.civil_id in accounts
    )
    user = User.objects.using(alias).get(civil_id=member.civil_id)
    with override_settings(DATABASE_ROUTERS=[_ToTheLoad(alias)]):
        page = reading.journey_page(user, journey.reference)
        assert page.role == member.role and page.done >= 1 and len(page.steps) == 8
        assert journey.reference in [c.journey.reference for c in reading.my_journeys(user)]
        client = Client()
        with transaction.atomic(using=alias):  # the login's audit entry locks where it writes
            client.force_login(user)
        mine = client.get("/my-journeys")
        assert mine.status_code == 200 and journey.reference.encode() in mine.content
        detail = client.get(f"/my-journeys/{journey.reference}")
        assert detail.status_code == 200
        html = detail.content.decode()
        assert user.name_ar in html or user.name_en in html  # the members, by their names


@postgres
def test_no_journey_published_no_journeys(copy_database):
    alias = copy_database("scale_c")
    with connections[alias].cursor() as cursor:  # manage.py load_journeys not run
        cursor.execute("DELETE FROM journeys_journeyversion")
    output = seed_scale(alias, people=500, applications=100, big_company=300)
    assert "journeys: skipped, no journey is published (run manage.py load_journeys" in output
    # The big company, after the load: once, with exactly the workers asked.
    assert "big company: CR-99000001 with 300 workers" in output
    assert WorkPermit.objects.using(alias).filter(company__number="CR-99000001").count() == 300
    again = seed_scale(alias, people=500, applications=100, big_company=300)
    assert "already loaded" in again and "big company: CR-99000001 is there already" in again
    assert "seed_scale: loaded" in output and "none: no journey was published" in output
    assert Journey.objects.using(alias).count() == Birth.objects.using(alias).count() == 0
    assert not Marriage.objects.using(alias).exclude(contract_number="").exists()
