"""Life-event journeys at scale: the births and the marriages of the last twelve months, each with
the journey the platform would have started for it (`journeys.services.start_from_birth` and
`start_from_marriage`) and moved on since.

How many: Kuwait registers about one birth per 100 people a year and one marriage per 250, so a
load of N people gets N/100 newborn and N/250 married journeys, taken (by the seed) from the
children of the population born in the last twelve months who have a mother in the register,
and from the population's marriages dated in the last twelve months. Nobody is made up for them:
when the population has fewer, there are fewer journeys, and the load says so.

What is made: for a birth, its `registry_birth` row (the hospital's notification: a number of its
own, a hospital of the birth certificate's list) and the newborn journey; for a marriage, its
contract number (set on the `registry_marriage` row the people phase wrote) and the married
journey. A journey has its members, one step per step of its definition and its history, the way
`journeys.services` leaves them: a step waits for the steps it comes after; then its condition
decides, evaluated with `journeys.definition.holds` over the facts `services._facts` gives (the
members' facts from their register rows: every field but the lists, which are left empty, no
condition naming them); then it runs by itself for the first member with an account (offered when
nobody has one), is offered, or waits for a form. The members with an account confirm offers and
file forms some hours to weeks later, or never; what an agency works takes its working days. So
the older a journey, the more of its steps are done. Steps point at no application (the scale
load files none for them): a step's application is null, and its history names none.

Ids are reserved as the other phases' are (births and journeys; members, steps and history rows
take theirs from their sequences), and a journey's reference is made from its id and the seed:
`J-` and ten letters of the alphabet of `journeys.services._new_reference`, unique because the
mapping from ids is one to one. A batch depends only on the seed and its number.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from sahl.core.working_days import add_working_days, kuwait_holidays
from sahl.demo.scale.text import DAY, NULL, Times, between, day_number, escaped, from_day_number, pick
from sahl.demo.scale.writer import Batch
from sahl.journeys.definition import BY_ITSELF, OFFER, JourneyDefinition, holds, rebuild_published
from sahl.journeys.rules import nobody

PHASE = "journeys"
NEWBORN, MARRIED = "newborn", "married"
KINDS = (NEWBORN, MARRIED)
PEOPLE_PER = {NEWBORN: 100, MARRIED: 250}  # people per birth, per marriage, a year
WINDOW = 365  # days: the births and marriages of the last twelve months
HOUR = 3600
NOTIFICATION_FROM, CONTRACT_FROM = 10_000_000, 1_000_000  # longer than any the demo gives
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # journeys.services._new_reference's: no 0/O, 1/I
HOSPITALS = ("maternity",)  # when the birth certificate's form has no list of hospitals
TABLES = {
    "registry_birth": "id, child_id, notification_number, hospital, recorded_at",
    "journeys_journey": "id, reference, code, record, facts, state, started_at, happened_on, finished_at, "
    "version_id",
    "journeys_member": "civil_id, role, journey_id",
    "journeys_step": "key, position, state, reason_ar, reason_en, due_on, updated_at, application_id, "
    "journey_id",
    "journeys_entry": "at, step, kind, actor_civil_id, application_reference, journey_id",
}
RESERVED = ("registry_birth", "journeys_journey")
# The marriages' contract numbers, set on the rows the people phase wrote (in the batch's transaction).
CONTRACTS = (
    "UPDATE registry_marriage m SET contract_number = c.number "
    "FROM unnest(%s::bigint[], %s::text[]) AS c(id, number) WHERE m.id = c.id"
)
# What the members do with what waits for them, if they have an account: the share that acts at
# all, and the longest delay (days; most act sooner).
CONFIRMS, CONFIRM_WITHIN = 0.85, 20
FILES, FILE_WITHIN = 0.8, 45
DONE, NOT_APPLICABLE, PENDING = "done", "not_applicable", "pending"
IN_PROGRESS, OFFERED, WAITING = "in_progress", "offered", "waiting_for_you"
_NAMED = re.compile(r"\b([a-z_]+)\.([A-Za-z_][A-Za-z0-9_]*)")
_NOBODY = nobody()  # a role nobody holds: read-only, copied for each person


def wanted(people: int) -> dict[str, int]:
    """The journeys of each kind a population of that size has in a year."""
    return {kind: round(people / per) for kind, per in PEOPLE_PER.items()}


# --- what the phase reads before it starts (the workers never touch the database) -------------


def published(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """The newest published version of each journey the load makes (code: version id)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (code) code, id FROM journeys_journeyversion WHERE code = ANY(%s) "
            "ORDER BY code, number DESC",
            [list(KINDS)],
        )
        return dict(cursor.fetchall())


def definitions(connection: BaseDatabaseWrapper, versions: Mapping[str, int]) -> dict[str, JourneyDefinition]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code, number, definition FROM journeys_journeyversion WHERE id = ANY(%s)",
            [list(versions.values())],
        )
        found = {}
        for code, number, raw in cursor.fetchall():
            raw = raw if isinstance(raw, dict) else json.loads(raw)
            found[code] = rebuild_published(raw, f"{code} v{number}")
    return found


@dataclass(frozen=True, slots=True)
class Person:
    """What a journey reads of a person in the population register."""

    id: int
    civil_id: str
    name_ar: str
    name_en: str
    birth: int  # day number
    sex: str
    nationality: str
    marital_status: str
    governorate: str
    residency: str
    residency_expiry: int | None
    civil_id_expiry: int
    employment: str
    insured: bool
    disability: bool
    account: bool  # holds an active login

    def facts(self, today: int) -> dict[str, Any]:
        """As `Registers.profile` gives them (`applicant.*`), the lists left empty."""
        born, on = from_day_number(self.birth), from_day_number(today)
        facts = dict(_NOBODY)
        facts.update(
            civil_id=self.civil_id,
            age=on.year - born.year - ((on.month, on.day) < (born.month, born.day)),
            sex=self.sex,
            nationality=self.nationality,
            is_kuwaiti=self.nationality == "KW",
            marital_status=self.marital_status,
            governorate=self.governorate,
            residency=self.residency,
            residency_days_left=0 if self.residency_expiry is None else self.residency_expiry - today,
            civil_id_days_left=self.civil_id_expiry - today,
            employment=self.employment,
            is_insured=self.insured,
            has_disability=self.disability,
        )
        return facts


@dataclass(frozen=True, slots=True)
class Event:
    """A birth or a marriage a journey starts from."""

    kind: str
    day: int  # when it happened
    marriage_id: int  # the marriage's row (0 for a birth: its row is made here)
    child: Person | None
    members: tuple[tuple[str, Person], ...]  # role, person; in the definition's order


@dataclass
class Chosen:
    events: list[Event]  # the births first, then the marriages
    found: dict[str, int]  # how many of each kind the population has in the window
    made: dict[str, int]  # how many of each are taken


_PERSON = (
    "p.id, p.civil_id, p.name_ar, p.name_en, p.birth_date, p.sex, p.nationality, p.marital_status, "
    "p.governorate, p.residency, p.residency_expiry, p.civil_id_expiry, p.employment, p.is_insured, "
    "p.has_disability, EXISTS (SELECT 1 FROM identity_user u WHERE u.civil_id = p.civil_id AND u.is_active)"
)


def choose(
    connection: BaseDatabaseWrapper, seed: int, people: int, first_person: int, today: int, kinds: set[str]
) -> Chosen:
    """The births and marriages the journeys are made for: a function of the population and the
    seed only (what this phase writes changes nothing of it), so a resumed load chooses the same."""
    want = wanted(people)
    since, until = from_day_number(today - WINDOW), from_day_number(today)
    last_person = first_person + people
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, p.father_id, p.mother_id FROM registry_person p WHERE p.id >= %s AND p.id < %s "
            "AND p.mother_id IS NOT NULL AND p.birth_date > %s AND p.birth_date <= %s ORDER BY p.id",
            [first_person, last_person, since, until],
        )
        children = cursor.fetchall() if NEWBORN in kinds else []
        cursor.execute(
            "SELECT m.id, m.husband_id, m.wife_id, m.married_on FROM registry_marriage m "
            "WHERE m.husband_id >= %s AND m.husband_id < %s AND m.ended_on IS NULL "
            "AND m.married_on > %s AND m.married_on <= %s ORDER BY m.husband_id",
            [first_person, last_person, since, until],
        )
        marriages = cursor.fetchall() if MARRIED in kinds else []
        found = {
            kind: len(rows) for kind, rows in ((NEWBORN, children), (MARRIED, marriages)) if kind in kinds
        }
        children = _sample(children, want[NEWBORN], f"{seed}:journeys:{NEWBORN}")
        marriages = _sample(marriages, want[MARRIED], f"{seed}:journeys:{MARRIED}")
        ids = {i for row in children for i in row if i} | {i for m in marriages for i in m[1:3]}
        cursor.execute(f"SELECT {_PERSON} FROM registry_person p WHERE p.id = ANY(%s)", [sorted(ids)])  # noqa: S608
        persons = {row[0]: _person(row) for row in cursor.fetchall()}
    events = [
        Event(
            NEWBORN,
            persons[child].birth,
            0,
            persons[child],
            tuple((role, persons[i]) for role, i in (("father", father), ("mother", mother)) if i),
        )
        for child, father, mother in children
    ]
    events += [
        Event(
            MARRIED, day_number(married_on), marriage, None, (("husband", persons[h]), ("wife", persons[w]))
        )
        for marriage, h, w, married_on in marriages
    ]
    made = {kind: len(rows) for kind, rows in ((NEWBORN, children), (MARRIED, marriages)) if kind in kinds}
    return Chosen(events, found, made)


def _sample(rows: list[Any], count: int, key: str) -> list[Any]:
    if len(rows) <= count:
        return rows
    return [rows[i] for i in sorted(random.Random(key).sample(range(len(rows)), count))]


def _person(row: tuple[Any, ...]) -> Person:
    (pk, civil_id, name_ar, name_en, born, sex, nationality, marital, governorate, residency) = row[:10]
    residency_expiry, civil_id_expiry, employment, insured, disability, account = row[10:]
    return Person(
        pk,
        civil_id,
        name_ar,
        name_en,
        day_number(born),
        sex,
        nationality,
        marital,
        governorate,
        residency,
        None if residency_expiry is None else day_number(residency_expiry),
        day_number(civil_id_expiry),
        employment,
        insured,
        disability,
        account,
    )


# --- the batches --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepService:
    automatic: bool  # decided at once when filed
    working_days: int


@dataclass(frozen=True)
class JourneysPlan:
    seed: int
    now: int  # epoch seconds
    today: int
    batch_size: int
    bases: dict[str, int]  # first reserved id: registry_birth, journeys_journey
    versions: dict[str, int]  # code: the version every journey of the load pins
    hospitals: tuple[str, ...]
    state: dict[str, Any]  # the phase's ledger state, kept by every batch


class Journeys:
    """Makes the journeys batches of one plan."""

    def __init__(
        self,
        plan: JourneysPlan,
        chosen: Chosen,
        defined: Mapping[str, JourneyDefinition],
        services: Mapping[str, StepService],
        times: Times,
    ) -> None:
        self.plan, self.events, self.defined, self.times = plan, chosen.events, defined, times
        self.services = services
        self.births = chosen.made.get(NEWBORN, 0)
        self.key = int.from_bytes(hashlib.sha256(f"{plan.seed}:journeys:reference".encode()).digest()[:8])
        self.conditions = Conditions()
        self.holidays = kuwait_holidays()
        self._due: dict[tuple[int, int], int] = {}

    def batch(self, done: int, state: dict[str, Any]) -> Batch:
        plan = self.plan
        number = state["batch"]
        rng = random.Random(f"{plan.seed}:journeys:{number}")
        size = min(plan.batch_size, len(self.events) - done)
        batch = Batch(PHASE, units=size, done=done + size, state={**plan.state, "batch": number + 1})
        rows = {table: batch.rows(table, columns) for table, columns in TABLES.items()}
        contracts: tuple[list[int], list[str]] = ([], [])
        for index in range(done, done + size):
            _Journey(self, rng, index, rows, contracts).make()
        if contracts[0]:
            batch.after.append((CONTRACTS, list(contracts)))
        return batch

    def reference(self, journey_id: int) -> str:
        return reference(journey_id, self.key)

    def working_days_after(self, day: int, days: int) -> int:
        found = self._due.get((day, days))
        if found is None:
            found = self._due[day, days] = day_number(
                add_working_days(from_day_number(day), days, self.holidays)
            )
        return found


def reference(number: int, key: int) -> str:
    """`J-` and ten letters for a journey id: a one-to-one mix of the id's 50 bits (an xor with the
    seed's key, then odd multipliers and xor-shifts, each reversible), so no two ids share one."""
    bits = 50
    mask = (1 << bits) - 1
    value = (number ^ key) & mask
    for multiplier in (0x5DEECE66D, 0x2545F4914F6CDD1D, 0x9E3779B97F4A7C15):
        value = (value * (multiplier | 1)) & mask
        value ^= value >> 23
    letters = []
    for _ in range(10):
        value, digit = divmod(value, 32)
        letters.append(ALPHABET[digit])
    return "J-" + "".join(letters)


class Conditions:
    """`journeys.definition.holds`, kept per condition and the values it names: the conditions of
    a load are few, the values they read (nationalities, employments, states) too."""

    def __init__(self) -> None:
        self._names: dict[str, list[tuple[str, str]]] = {}
        self._kept: dict[tuple[str, tuple[str, ...]], bool] = {}

    def holds(self, source: str, facts: Mapping[str, Any]) -> bool:
        names = self._names.get(source)
        if names is None:
            names = self._names[source] = _NAMED.findall(source)
        key = (source, tuple(json.dumps(_value(facts, top, name), sort_keys=True) for top, name in names))
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = holds(source, facts)
        return found


def _value(facts: Mapping[str, Any], top: str, name: str) -> Any:
    value = facts.get(top)
    return value.get(name, "<absent>") if isinstance(value, Mapping) else "<absent>"


class _Journey:
    """One journey from the event to the load's moment."""

    def __init__(
        self,
        journeys: Journeys,
        rng: random.Random,
        index: int,
        rows: dict[str, list[str]],
        contracts: tuple[list[int], list[str]],
    ) -> None:
        self.journeys, self.rng, self.rows, self.contracts = journeys, rng, rows, contracts
        self.index, self.event = index, journeys.events[index]
        self.id = journeys.plan.bases["journeys_journey"] + index
        self.entries: list[tuple[int, int, str]] = []  # moment, order, the rest of the row

    def entry(self, at: int, kind: str, step: str = "", actor: str = "") -> None:
        self.entries.append((at, len(self.entries), f"\t{step}\t{kind}\t{actor}\t\t{self.id}\n"))

    def moment(self, day: int, earliest: float, latest: float) -> int:
        """A moment of that local day between two hours."""
        times = self.journeys.times
        return day * DAY - times.offset + between(self.rng, int(earliest * HOUR), int(latest * HOUR))

    def make(self) -> None:
        journeys, event, rng = self.journeys, self.event, self.rng
        plan = journeys.plan
        definition = journeys.defined[event.kind]
        if event.kind == NEWBORN:  # the hospital notifies within two days, the journey starts then
            started = self.moment(event.day + between(rng, 0, 2), 7, 22)
        else:  # the contract is registered the day of the marriage
            started = self.moment(event.day, 8, 13)
        started = min(started, plan.now - between(rng, 60, HOUR))
        self.entry(started, "started")
        facts = self._facts(started)
        condition_facts: dict[str, Any] = dict(facts)
        members = dict(event.members)
        for role in definition.roles:
            condition_facts[role] = members[role].facts(plan.today) if role in members else _NOBODY
        states = {spec.key: PENDING for spec in definition.steps}
        moved: dict[str, int] = {}
        due: dict[str, int] = {}
        for spec in definition.steps:  # `after` names earlier steps only: one pass moves them all
            if any(states[key] not in (DONE, NOT_APPLICABLE) for key in spec.after):
                continue
            ready = max([started, *(moved[key] for key in spec.after)])
            condition_facts["steps"] = dict(states)
            if not journeys.conditions.holds(spec.when, condition_facts):
                states[spec.key], moved[spec.key] = NOT_APPLICABLE, ready
                self.entry(ready, NOT_APPLICABLE, spec.key)
                continue
            with_account = [
                members[r].civil_id for r in spec.applicants if r in members and members[r].account
            ]
            if spec.runs == BY_ITSELF:
                if not with_account:  # nobody to file it for: the first to open Sahl confirms it
                    self._reach(states, moved, spec.key, OFFERED, ready)
                    continue
                filed = min(ready + between(rng, 1, 3), plan.now)  # in the moment that readied it
                self._worked(spec.key, spec.service, filed, "", states, moved, due)
                continue
            self._reach(states, moved, spec.key, OFFERED if spec.runs == OFFER else WAITING, ready)
            acts, within = (CONFIRMS, CONFIRM_WITHIN) if spec.runs == OFFER else (FILES, FILE_WITHIN)
            if not with_account or rng.random() >= acts:
                continue
            filed = ready + between(rng, 600, 4 * HOUR) + int(within * DAY * rng.random() ** 2)
            if filed > plan.now:
                continue
            actor = pick(rng, with_account)
            if spec.runs == OFFER:
                self.entry(filed, "confirmed", spec.key, actor)
            self._worked(spec.key, spec.service, filed, actor, states, moved, due)
        finished = max(moved.values(), default=started)
        completed = all(state in (DONE, NOT_APPLICABLE) for state in states.values())
        if completed:
            self.entry(finished, "completed")
        self._write(definition, started, facts, states, moved, due, finished if completed else None)

    def _reach(
        self, states: dict[str, str], moved: dict[str, int], key: str, state: str, at: int, actor: str = ""
    ) -> None:
        states[key], moved[key] = state, at
        self.entry(at, state, key, actor)

    def _worked(
        self,
        key: str,
        code: str,
        filed: int,
        actor: str,
        states: dict[str, str],
        moved: dict[str, int],
        due: dict[str, int],
    ) -> None:
        """A step's application, filed at that moment: decided at once (an automatic service), or
        in progress until the agency is done, its working days later."""
        journeys, rng, times = self.journeys, self.rng, self.journeys.times
        service = journeys.services.get(code, StepService(False, 5))
        if service.automatic:
            self._reach(states, moved, key, DONE, filed, actor)
            return
        self._reach(states, moved, key, IN_PROGRESS, filed, actor)
        day = times.local_day(filed)
        due[key] = journeys.working_days_after(day, service.working_days)
        took = journeys.working_days_after(day, between(rng, 1, max(1, int(service.working_days * 1.3))))
        finished = max(filed + HOUR, self.moment(took, 7.5, 14))
        if finished <= journeys.plan.now:
            del due[key]
            self._reach(states, moved, key, DONE, finished, actor)

    def _facts(self, started: int) -> dict[str, Any]:
        """What the event says, as `journeys.services` keeps it on the journey."""
        event, journeys = self.event, self.journeys
        if event.child is None:
            number = f"MC-{from_day_number(event.day).year}-{CONTRACT_FROM + self.index - journeys.births}"
            self.contracts[0].append(event.marriage_id)
            self.contracts[1].append(number)
            married = {"married_on": from_day_number(event.day).isoformat(), "contract_number": number}
            return {"marriage": married | {"abroad": False}}
        child = event.child
        born = from_day_number(event.day)
        birth_id = journeys.plan.bases["registry_birth"] + self.index
        number = f"B-{born.year}-{NOTIFICATION_FROM + self.index}"
        hospital = pick(self.rng, journeys.plan.hospitals)
        self.rows["registry_birth"].append(
            f"{birth_id}\t{child.id}\t{number}\t{hospital}\t{journeys.times.at(started)}\n"
        )
        return {
            "child": {
                "civil_id": child.civil_id,
                "name_ar": child.name_ar,
                "name_en": child.name_en,
                "birth_date": born.isoformat(),
                "sex": child.sex,
                "nationality": child.nationality,
                "is_kuwaiti": child.nationality == "KW",
            },
            "birth": {"hospital": hospital, "notification_number": number},
        }

    def _write(
        self,
        definition: JourneyDefinition,
        started: int,
        facts: dict[str, Any],
        states: dict[str, str],
        moved: dict[str, int],
        due: dict[str, int],
        finished: int | None,
    ) -> None:
        event, rows, times, journey_id = self.event, self.rows, self.journeys.times, self.id
        at = times.at
        if event.child is None:
            record = f"marriage:{event.marriage_id}"
        else:
            record = f"birth:{self.journeys.plan.bases['registry_birth'] + self.index}"
        state = "completed" if finished is not None else "in_progress"
        rows["journeys_journey"].append(
            f"{journey_id}\t{self.journeys.reference(journey_id)}\t{event.kind}\t{record}\t"
            f"{escaped(json.dumps(facts, ensure_ascii=False))}\t{state}\t{at(started)}\t{times.date(event.day)}\t"
            f"{NULL if finished is None else at(finished)}\t{self.journeys.plan.versions[event.kind]}\n"
        )
        members = rows["journeys_member"]
        for role, person in event.members:
            members.append(f"{person.civil_id}\t{role}\t{journey_id}\n")
        steps = rows["journeys_step"]
        for position, spec in enumerate(definition.steps):
            step_state = states[spec.key]
            reason = spec.reason if step_state == NOT_APPLICABLE else None
            reason_ar, reason_en = (escaped(reason.ar), escaped(reason.en)) if reason else ("", "")
            due_on = times.date(due[spec.key]) if spec.key in due else NULL
            steps.append(
                f"{spec.key}\t{position}\t{step_state}\t{reason_ar}\t{reason_en}\t{due_on}\t"
                f"{at(moved.get(spec.key, started))}\t{NULL}\t{journey_id}\n"
            )
        history = rows["journeys_entry"]
        for moment, _order, rest in sorted(self.entries):
            history.append(at(moment) + rest)


def describe(connection: BaseDatabaseWrapper, state: Mapping[str, Any]) -> list[str]:
    """Each kind's journeys as the load made them, and their rows."""
    first = state["bases"]["journeys_journey"]
    last = first + sum(state["made"].values())
    lines = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT j.code, count(*), count(*) FILTER (WHERE j.state = 'completed'), "
            "(SELECT count(*) FROM journeys_member m JOIN journeys_journey k ON k.id = m.journey_id "
            " WHERE k.code = j.code AND k.id >= %s AND k.id < %s), "
            "(SELECT count(*) FROM journeys_step s JOIN journeys_journey k ON k.id = s.journey_id "
            " WHERE k.code = j.code AND k.id >= %s AND k.id < %s), "
            "(SELECT count(*) FROM journeys_step s JOIN journeys_journey k ON k.id = s.journey_id "
            " WHERE k.code = j.code AND k.id >= %s AND k.id < %s AND s.state = 'done'), "
            "(SELECT count(*) FROM journeys_entry e JOIN journeys_journey k ON k.id = e.journey_id "
            " WHERE k.code = j.code AND k.id >= %s AND k.id < %s) "
            "FROM journeys_journey j WHERE j.id >= %s AND j.id < %s GROUP BY j.code ORDER BY j.code DESC",
            [first, last] * 5,
        )
        for code, count, completed, members, steps, done, entries in cursor.fetchall():
            lines.append(
                f"  {code:<8} {count:>9,} journeys ({completed:,} completed): {members:,} members, "
                f"{steps:,} steps ({done:,} done), {entries:,} history rows"
            )
    return lines


WHAT = {
    NEWBORN: "children born in the last 12 months with a mother",
    MARRIED: "marriages of the last 12 months",
}


def summary(chosen: Chosen, people: int, first_id: int) -> list[str]:
    """What the phase is about to make, from what; and what the population could not give (fewer
    births or marriages than its size has in a year)."""
    kinds = [kind for kind in KINDS if kind in chosen.made]
    made = ", ".join(f"{chosen.made[kind]:,} {kind}" for kind in kinds)
    found = " and ".join(f"{chosen.found[kind]:,} {WHAT[kind]}" for kind in kinds)
    lines = [f"journeys: {made} for {people:,} people, taken from {found}; journey ids from {first_id:,}"]
    want = wanted(people)
    for kind in kinds:
        if chosen.made[kind] < want[kind]:
            lines.append(
                f"journeys: the population has only {chosen.found[kind]:,} {WHAT[kind]}, {want[kind]:,} "
                f"wanted (1 per {PEOPLE_PER[kind]} people a year): {chosen.made[kind]:,} {kind} journeys, "
                "nobody made up for the rest"
            )
    return lines
