"""The scale load from start to end (manage.py seed_scale), PostgreSQL only:

1. plan: the numbers, the seed, the moment, id ranges reserved, one password hash (ledger);
2. people: registers and accounts, batch by batch, with the big tables' secondary indexes and
   constraints off; then built again and analysed (the next phase joins on them);
3. applications, the same way;
4. journeys: the births and marriages of the last twelve months in proportion to the population,
   each with its life-event journey (skipped, saying so, when no journey is published);
5. sequences set after the highest ids, VACUUM ANALYZE of the loaded tables.

Every step can be interrupted: running again with the same numbers continues from the ledger,
and a finished load adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from sahl.catalogue.models import Service
from sahl.catalogue.services import definition_of
from sahl.demo.scale import cases, journeys, ledger, parallel, people, tables
from sahl.demo.scale.answers import Answers
from sahl.demo.scale.meter import Meter, clock
from sahl.demo.scale.text import Times, day_number, from_day_number
from sahl.demo.scale.writer import Batch, Writer
from sahl.integrations.models import Connection

Say = Callable[[str], None]
# vacuumed at the end
LOADED = (*people.STRIPPED, "identity_staffmembership", *cases.STRIPPED, *journeys.TABLES)


class Refused(Exception):
    """The load cannot run here; the message says why and what to do."""


@dataclass(frozen=True)
class Options:
    people: int
    applications: int
    seed: int = 2026
    people_batch: int = 20_000
    applications_batch: int = 50_000
    journeys_batch: int = 5_000
    stop_after: int | None = None  # batches, then stop (run again to continue)
    as_of: int | None = None  # epoch seconds the country is made for (default: now)
    workers: int = 1  # processes making batches of applications
    password: str = ""


@dataclass
class Report:
    finished: bool = False
    already: bool = False
    stopped: bool = False
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    database_bytes: int = 0
    password_matches: bool = True
    accounts: int = 0
    examples: list[str] = field(default_factory=list)
    staff: list[str] = field(default_factory=list)
    user_ids: tuple[int, int] = (0, 0)
    journeys: list[str] = field(default_factory=list)  # each kind's journeys and their rows


class Loader:
    def __init__(
        self, connection: BaseDatabaseWrapper, options: Options, say: Say, progress: Say, terminal: bool
    ):
        self.connection, self.options, self.say = connection, options, say
        self.progress, self.terminal = progress, terminal
        self.batches = 0  # committed in this run

    def run(self) -> Report:
        started = time.monotonic()
        report = Report()
        connection, options = self.connection, self.options
        if connection.vendor != "postgresql":
            raise Refused(
                f"seed_scale loads PostgreSQL only (this database is {connection.vendor}): "
                "set DATABASE_URL=postgres://..."
            )
        if options.people < 1 or options.applications < 0:
            raise Refused("--people must be 1 or more and --applications 0 or more")
        services = list(
            Service.objects.using(connection.alias)
            .filter(is_active=True, current_version__isnull=False)
            .select_related("agency", "current_version")
            .order_by("id")
        )
        if not services:
            raise Refused("the catalogue is empty: run manage.py load_catalogue first")
        ledger.create(connection)
        plan = self._plan(services)
        report.password_matches = check_password(options.password, plan["password"])
        times = Times(int(timezone.localtime().utcoffset().total_seconds()))  # type: ignore[union-attr]
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
        if ledger.read(connection, "plan").finished:  # type: ignore[union-attr]
            report.already = True
        else:
            if (
                self._people(plan, times)
                and self._applications(plan, times, services)
                and self._journeys(plan, times, services)
            ):
                self._finish()
            else:
                report.stopped = True
        report.finished = not report.stopped
        report.seconds = time.monotonic() - started
        self._describe(report, plan)
        return report

    # --- plan -------------------------------------------------------------------------------

    def _plan(self, services: list[Service]) -> dict[str, Any]:
        connection, options = self.connection, self.options
        found = ledger.read(connection, "plan")
        if found is not None:
            state = found.state
            asked = (options.people, options.applications, options.seed)
            if (state["people"], state["applications"], state["seed"]) != asked:
                raise Refused(
                    f"this database holds a scale load of {state['people']:,} people and "
                    f"{state['applications']:,} applications (seed {state['seed']}): run seed_scale with "
                    "those numbers to finish or keep it, or start from a fresh database"
                )
            return state
        now = int(time.time()) if options.as_of is None else options.as_of
        with transaction.atomic(using=connection.alias):
            bases = {
                table: tables.reserve(connection, table, per_person * options.people)
                for table, per_person in people.RESERVED.items()
            }
            bases["applications_application"] = tables.reserve(
                connection, "applications_application", options.applications
            )
            state = {
                "people": options.people,
                "applications": options.applications,
                "seed": options.seed,
                "now": now,
                "today": day_number(timezone.localdate(dt.datetime.fromtimestamp(now, tz=dt.UTC))),
                "password": make_password(options.password),
                "bases": bases,
                "agencies": sorted({s.agency_id for s in services}),
                # A resumed load makes the batches the first run would have made: same sizes.
                "batches": {
                    "people": people.batch_size(options.people, options.people_batch),
                    "applications": options.applications_batch,
                },
            }
            ledger.start(connection, "plan", options.people, state)
        self.say(
            f"plan: {options.people:,} people and {options.applications:,} applications (seed {options.seed}); "
            f"person ids from {bases['registry_person']:,}, application ids from "
            f"{bases['applications_application']:,}"
        )
        return state

    # --- phases ---------------------------------------------------------------------------

    def _people(self, plan: dict[str, Any], times: Times) -> bool:
        """True once the people are in (False: stopped as asked)."""
        connection, options = self.connection, self.options
        phase = ledger.start(connection, people.PHASE, options.people, people.first_state())
        if not phase.finished:
            stripped = tables.strip(connection, people.PHASE, people.STRIPPED)
            if stripped:
                self.say(f"people: {stripped} indexes and constraints off while the registers load")
            settings = people.PeoplePlan(
                seed=options.seed,
                total=options.people,
                today=plan["today"],
                now=plan["now"],
                password=plan["password"],
                bases=plan["bases"],
                agencies=tuple(plan["agencies"]),
                staff_per_agency=people.staff_per_agency(options.people),
                batch_size=plan["batches"]["people"],
            )
            population = people.Population(settings, times)
            size = settings.batch_size
            jobs = ((done, {"batch": done // size}) for done in range(phase.done, options.people, size))
            made = parallel.batches(population.batch, jobs, options.workers)
            if not self._load("people", phase, made, "people"):
                return False
        tables.restore(connection, people.PHASE, self.say)
        self._analyse(tuple(people.STRIPPED))
        return True

    def _applications(self, plan: dict[str, Any], times: Times, services: list[Service]) -> bool:
        connection, options = self.connection, self.options
        phase = ledger.start(connection, cases.PHASE, options.applications, {"batch": 0})
        if not phase.finished:
            stripped = tables.strip(connection, cases.PHASE, cases.STRIPPED)
            if stripped:
                self.say(f"applications: {stripped} indexes and constraints off while they load")
            applicants = self._applicants(plan)
            generator = cases.Cases(
                cases.CasesPlan(
                    seed=options.seed,
                    total=options.applications,
                    now=plan["now"],
                    base=plan["bases"]["applications_application"],
                    batch_size=plan["batches"]["applications"],
                ),
                self._services(services, applicants, plan),
                applicants,
                times,
            )
            size = plan["batches"]["applications"]
            jobs = ((done, {"batch": done // size}) for done in range(phase.done, options.applications, size))
            made = parallel.batches(generator.batch, jobs, options.workers)
            if not self._load("applications", phase, made, "applications"):
                return False
        tables.restore(connection, cases.PHASE, self.say)
        return True

    def _journeys(self, plan: dict[str, Any], times: Times, services: list[Service]) -> bool:
        """True once the journeys are in, or when there are none to make (nothing published)."""
        connection, options = self.connection, self.options
        started = time.monotonic()
        phase = ledger.read(connection, journeys.PHASE)
        if phase is not None and phase.finished:
            return True
        versions = phase.state["versions"] if phase is not None else journeys.published(connection)
        if not versions:
            self.say(
                "journeys: skipped, no journey is published (run manage.py load_journeys before seed_scale "
                "to have births, marriages and their journeys)"
            )
            return True
        first_person = plan["bases"]["registry_person"]
        chosen = journeys.choose(
            connection, options.seed, plan["people"], first_person, plan["today"], set(versions)
        )
        if phase is None:
            made = len(chosen.events)
            with transaction.atomic(using=connection.alias):
                bases = {
                    "registry_birth": tables.reserve(
                        connection, "registry_birth", chosen.made.get(journeys.NEWBORN, 0)
                    ),
                    "journeys_journey": tables.reserve(connection, "journeys_journey", made),
                }
                state = {
                    "batch": 0,
                    "bases": bases,
                    "versions": versions,
                    "hospitals": self._hospitals(),
                    "found": chosen.found,
                    "made": chosen.made,
                    "batch_size": options.journeys_batch,
                }
                phase = ledger.start(connection, journeys.PHASE, made, state)
            for line in journeys.summary(chosen, plan["people"], bases["journeys_journey"]):
                self.say(line)
        elif phase.target != len(chosen.events):
            raise Refused(
                f"the journeys phase began with {phase.target:,} births and marriages and finds "
                f"{len(chosen.events):,} now: the population changed; start from a fresh database"
            )
        state = phase.state
        generator = journeys.Journeys(
            journeys.JourneysPlan(
                seed=options.seed,
                now=plan["now"],
                today=plan["today"],
                batch_size=state["batch_size"],
                bases=state["bases"],
                versions=state["versions"],
                hospitals=tuple(state["hospitals"]),
                state={k: v for k, v in state.items() if k != "batch"},
            ),
            chosen,
            journeys.definitions(connection, state["versions"]),
            self._step_services(services),
            times,
        )
        size = state["batch_size"]
        jobs = ((done, {"batch": done // size}) for done in range(phase.done, phase.target, size))
        made_batches = parallel.batches(generator.batch, jobs, options.workers)
        if not self._load("journeys", phase, made_batches, "journeys"):
            return False
        self.say(f"journeys: {phase.target:,} made in {clock(time.monotonic() - started)} (this run)")
        return True

    def _hospitals(self) -> list[str]:
        """The hospitals of the birth certificate's form, the list a birth notification names."""
        service = (
            Service.objects.using(self.connection.alias)
            .filter(code="moh.birth-certificate", current_version__isnull=False)
            .select_related("current_version")
            .first()
        )
        if service is None or service.current_version is None:
            return list(journeys.HOSPITALS)
        field = definition_of(service.current_version).form.get("properties", {}).get("hospital", {})
        return list(field.get("enum") or journeys.HOSPITALS)

    def _step_services(self, services: list[Service]) -> dict[str, journeys.StepService]:
        made = {}
        for service in services:
            assert service.current_version is not None
            automatic = definition_of(service.current_version).processing == "automatic"
            made[service.code] = journeys.StepService(automatic, service.working_days)
        return made

    def _load(self, label: str, phase: ledger.Phase, made: Generator[Batch], unit: str) -> bool:
        """Commit the batches until the phase is done (True) or --stop-after says stop (False)."""
        meter = Meter(label, phase.target, self.progress, done=phase.done, terminal=self.terminal, unit=unit)
        writer: Writer | None = None  # started after the first batch: after the workers' fork
        done = phase.done
        try:
            while done < phase.target:
                if self.options.stop_after is not None and self.batches >= self.options.stop_after:
                    break
                batch = next(made)
                if writer is None:
                    writer = Writer(self.connection, meter)
                writer.put(batch)
                self.batches += 1
                done = batch.done
        finally:
            made.close()  # stops the workers, if any
            if writer is not None:
                writer.close()
            meter.close()
        if done < phase.target:
            return False
        ledger.finish(self.connection, phase.name)
        return True

    def _applicants(self, plan: dict[str, Any]) -> cases.Applicants:
        first = plan["bases"]["identity_user"]
        last = first + plan["people"]
        ids: list[int] = []
        civil_ids: list[str] = []
        joined: list[int] = []
        staff: dict[int, list[int]] = {}
        children: dict[int, list[str]] = {}
        minor = plan["today"] - 18 * 365
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT agency_id, user_id FROM identity_staffmembership "
                "WHERE user_id >= %s AND user_id < %s ORDER BY id",
                [first, last],
            )
            for agency, user in cursor.fetchall():
                staff.setdefault(agency, []).append(user)
            cursor.execute(
                "SELECT u.id, u.civil_id, extract(epoch FROM u.date_joined)::bigint FROM identity_user u "
                "WHERE u.id >= %s AND u.id < %s AND NOT EXISTS "
                "(SELECT 1 FROM identity_staffmembership s WHERE s.user_id = u.id) ORDER BY u.id",
                [first, last],
            )
            while rows := cursor.fetchmany(100_000):
                for user, civil_id, moment in rows:
                    ids.append(user)
                    civil_ids.append(civil_id)
                    joined.append(moment)
            cursor.execute(
                "SELECT u.id, c.civil_id FROM identity_user u "
                "JOIN registry_person p ON p.civil_id = u.civil_id "
                "JOIN registry_person c ON c.father_id = p.id OR c.mother_id = p.id "
                "WHERE u.id >= %s AND u.id < %s AND c.birth_date > %s ORDER BY u.id, c.id",
                [first, last, from_day_number(minor)],
            )
            for user, civil_id in cursor.fetchall():
                children.setdefault(user, []).append(civil_id)
        if not ids:
            raise Refused("no accounts to file applications from: the people phase made none")
        number = {user: index for index, user in enumerate(ids)}
        by_number = {number[user]: kids for user, kids in children.items() if user in number}
        return cases.Applicants(ids, civil_ids, joined, by_number, staff)

    def _services(
        self, services: list[Service], applicants: cases.Applicants, plan: dict[str, Any]
    ) -> list[cases.ServiceCase]:
        connected = set(
            Connection.objects.using(self.connection.alias)
            .filter(active=True)
            .values_list("agency_id", flat=True)
        )
        today = from_day_number(plan["today"])
        made = []
        sample = applicants.civil_ids[:50_000]
        for service in services:
            assert service.current_version is not None
            definition = definition_of(service.current_version)
            rng = random.Random(f"{plan['seed']}:service:{service.code}")
            case = cases.service_case(
                service, definition, service.agency.code, service.agency_id in connected, rng
            )
            case.answers = Answers(definition, rng, sample, today, case.named)
            made.append(case)
        return made

    # --- the end ----------------------------------------------------------------------------

    def _analyse(self, names: tuple[str, ...]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(names)}")

    def _finish(self) -> None:
        connection = self.connection
        for table in (*people.RESERVED, "applications_application", *journeys.RESERVED):
            tables.settle(connection, table)
        moment = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(LOADED)}")
        self.say(f"vacuumed and analysed in {clock(time.monotonic() - moment)}")
        ledger.finish(connection, "plan")

    def _describe(self, report: Report, plan: dict[str, Any]) -> None:
        first = plan["bases"]["identity_user"]
        with self.connection.cursor() as cursor:
            for table in LOADED:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
                report.rows[table] = cursor.fetchone()[0]
            cursor.execute("SELECT pg_database_size(current_database())")
            report.database_bytes = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*), min(id), max(id) FROM identity_user WHERE id >= %s AND id < %s",
                [first, first + plan["people"]],
            )
            report.accounts, low, high = cursor.fetchone()
            report.user_ids = (low or 0, high or 0)
            cursor.execute(
                "SELECT civil_id FROM identity_user u WHERE id >= %s AND id < %s AND NOT EXISTS "
                "(SELECT 1 FROM identity_staffmembership s WHERE s.user_id = u.id) ORDER BY id LIMIT 3",
                [first, first + plan["people"]],
            )
            report.examples = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT a.code, s.role, u.civil_id FROM identity_staffmembership s "
                "JOIN identity_user u ON u.id = s.user_id JOIN catalogue_agency a ON a.id = s.agency_id "
                "WHERE s.user_id >= %s AND s.user_id < %s AND a.code IN ('moi', 'paci') ORDER BY s.id LIMIT 4",
                [first, first + plan["people"]],
            )
            report.staff = [f"{code} {role} {civil_id}" for code, role, civil_id in cursor.fetchall()]
        phase = ledger.read(self.connection, journeys.PHASE)
        if phase is None:
            report.journeys = (
                ["  none: no journey was published when the load ran"] if report.finished else []
            )
        else:
            report.journeys = journeys.describe(self.connection, phase.state)
