"""Applications at scale: spread over the active services of the catalogue (popular ones more),
over three years (more recent ones more) and over every state a case rests in, each with the
history the platform would have written on its way there (applications, backoffice,
payments): filed (after a draft or not), the other parties' consent, the fee due and paid, sent
to the agency, taken by a caseworker, information asked and given, decided, completed, refunded
when it ended without the service. Parties where the service has them, the answers that name
them, decisions for the decided ones, information requests for the cases that had one.

Ids are the plan's first application id plus the application's number, and the reference is
built from it as the platform does (`<year>-<id:07d>`), so references are unique and a batch
is the same whether the load ran in one go or was resumed. What is not made: issued documents
and their PDFs, payment intents, messages in the inbox, deliveries to agencies' systems.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any

from sahl.applications.states import State
from sahl.catalogue.definition import ServiceDefinition
from sahl.core.money import Money
from sahl.core.working_days import add_working_days, kuwait_holidays
from sahl.demo.scale.answers import SUBJECT, Answers, placeholder
from sahl.demo.scale.text import DAY, NULL, Times, between, from_day_number, pick, plain
from sahl.demo.scale.writer import Batch

PHASE = "applications"
HOUR = 3600
YEARS = 3
TABLES = {
    "applications_application": "id, reference, subject_civil_id, state, form_data, fee_fils, created_at, "
    "updated_at, submitted_at, decided_at, due_on, paused_since, agency_id, applicant_id, assigned_to_id, "
    "service_id, version_id, register_facts",
    "applications_historyevent": "at, kind, on_behalf_of, from_state, to_state, note, actor_id, application_id",
    "applications_party": "role, civil_id, consent, responded_at, application_id",
    "applications_decision": "outcome, reason, decided_at, application_id, decided_by_id",
    "applications_inforequest": "message, document_code, requested_at, answer, answered_at, application_id, "
    "requested_by_id",
}
# As in people.STRIPPED: applications come in id order, and so do their history, parties... The
# reference (`<year>-<id>`) grows within each year: a few right ends, as cheap.
STRIPPED = {
    "applications_application": frozenset(),
    "applications_historyevent": frozenset({"application_id"}),
    "applications_party": frozenset({"application_id"}),
    "applications_decision": frozenset({"application_id"}),
    "applications_inforequest": frozenset({"application_id"}),
}
# Where cases rest, in shares of all applications; a service gets those its flow can reach.
SHARES = {
    State.COMPLETED: 80.0,
    State.REJECTED: 5.0,
    State.DRAFT: 4.0,
    State.IN_REVIEW: 4.0,
    State.WITHDRAWN: 2.5,
    State.AWAITING_PAYMENT: 1.5,
    State.CANCELLED: 1.2,
    State.ACTION_NEEDED: 1.0,
    State.SUBMITTED: 0.8,
}
SETTLED = frozenset({State.COMPLETED, State.REJECTED, State.WITHDRAWN, State.CANCELLED})
GUARDIAN_CATEGORIES = frozenset({"identity", "passports", "health", "education", "disability"})
INFO = (
    ("يرجى إرفاق صورة واضحة من المستند | Please attach a clear copy of the document", "document"),
    ("يرجى تحديث العنوان | Please confirm your current address", ""),
    ("يرجى إرفاق صورة شخصية حديثة | Please attach a recent photo", "photo"),
)
ANSWERS = ("تم الإرفاق | Attached", "تم التحديث | Updated", "Done, thank you")
REJECTIONS = (
    "المستندات المرفقة غير مكتملة | The documents attached are incomplete",
    "لا تنطبق الشروط على مقدم الطلب | The applicant does not meet the conditions",
    "البيانات المدخلة غير مطابقة للسجلات | The details do not match the registers",
)
WITHDRAWALS = ("", "", "لم أعد بحاجة إلى الخدمة | No longer needed", "Filed by mistake")
UPDATES = ("قيد الدراسة | Under review", "تمت الإحالة إلى القسم المختص | Passed to the department")


@dataclass
class PartySpec:
    role: str
    field: str | None  # the form field with their civil ID; None: the applicant in that role
    consent: bool


@dataclass
class ServiceCase:
    """What the generator needs of one service."""

    id: int
    version_id: int
    agency_id: int
    agency_code: str
    fee: int
    working_days: int
    mode: str  # automatic, backoffice, or agency (its own connected system)
    weight: float
    guardian: bool
    parties: list[PartySpec]
    consenting: list[PartySpec] = field(default_factory=list)  # named on the form, must agree
    named: frozenset[str] = frozenset()  # the form fields that name parties
    answers: Answers | None = None
    states: list[State] = field(default_factory=list)
    cumulative: list[float] = field(default_factory=list)

    def allow(self) -> None:
        self.consenting = [p for p in self.parties if p.field and p.consent]
        self.named = frozenset(p.field for p in self.parties if p.field)
        consent, waits = bool(self.consenting), self.fee > 0 or bool(self.consenting)
        worked = self.mode != "automatic"
        allowed = {
            State.COMPLETED: True,
            State.DRAFT: True,
            State.REJECTED: worked,
            State.IN_REVIEW: worked,
            State.ACTION_NEEDED: worked,
            State.AWAITING_PAYMENT: self.fee > 0,
            State.SUBMITTED: consent,
            State.CANCELLED: consent,
            State.WITHDRAWN: worked or waits,
        }
        total = 0.0
        for state, share in SHARES.items():
            if allowed[state]:
                total += share
                self.states.append(state)
                self.cumulative.append(total)

    def state(self, rng: random.Random) -> State:
        return self.states[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def service_case(
    service: Any, definition: ServiceDefinition, agency_code: str, connected: bool, rng: random.Random
) -> ServiceCase:
    mode = definition.processing
    if mode == "agency_api":
        mode = "agency" if connected else "backoffice"  # with no system connected, the back office works it
    parties = [
        PartySpec(p.role, None if p.is_applicant else p.civil_id_field, p.consent_required)
        for p in definition.parties
        if p.is_applicant or p.civil_id_field
    ]
    case = ServiceCase(
        id=service.id,
        version_id=service.current_version_id,
        agency_id=service.agency_id,
        agency_code=agency_code.upper(),
        fee=service.fee_fils,
        working_days=service.working_days,
        mode=mode,
        weight=(12.0 if service.popular else 1.0) * math.exp(rng.gauss(0, 1)),
        guardian=definition.category in GUARDIAN_CATEGORIES and "individual" in definition.audience,
        parties=parties,
    )
    case.allow()
    return case


@dataclass(frozen=True)
class CasesPlan:
    seed: int
    total: int
    now: int
    base: int  # first application id
    batch_size: int


@dataclass
class Applicants:
    """The accounts applications are filed from, and what they may file for."""

    ids: list[int]
    civil_ids: list[str]
    joined: list[int]
    children: dict[int, list[str]]  # applicant number: civil IDs of their minor children
    staff: dict[int, list[int]]  # agency id: its staff's user ids

    def __post_init__(self) -> None:
        count = len(self.ids)
        self.stride = next(s for s in range(count // 2 + 1, 2 * count + 3) if math.gcd(s, count) == 1)


class Cases:
    def __init__(
        self, plan: CasesPlan, services: list[ServiceCase], people: Applicants, times: Times
    ) -> None:
        self.plan, self.services, self.people, self.times = plan, services, people, times
        total = 0.0
        self.cumulative = []
        for service in services:
            total += service.weight
            self.cumulative.append(total)
        self.holidays = kuwait_holidays()
        self._due: dict[tuple[int, int], int] = {}
        self._working: dict[int, bool] = {}
        self.window_start = plan.now - YEARS * 365 * DAY

    def batch(self, done: int, state: dict[str, Any]) -> Batch:
        plan = self.plan
        rng = random.Random(f"{plan.seed}:applications:{state['batch']}")
        size = min(plan.batch_size, plan.total - done)
        batch = Batch(PHASE, units=size, done=done + size, state={"batch": state["batch"] + 1})
        rows = _Rows(batch)
        for number in range(done, done + size):
            _Case(self, rng, rows, plan.base + number).make()
        return batch

    # --- the Kuwaiti calendar, cached -----------------------------------------------------

    def working_days_after(self, day: int, days: int) -> int:
        key = (day, days)
        found = self._due.get(key)
        if found is None:
            due = add_working_days(from_day_number(day), days, self.holidays)
            found = self._due[key] = (due - dt.date(1970, 1, 1)).days
        return found

    def working_days_between(self, start: int, end: int) -> int:
        return sum(1 for day in range(start + 1, end + 1) if self.is_working(day))

    def is_working(self, day: int) -> bool:
        found = self._working.get(day)
        if found is None:
            date = from_day_number(day)
            found = self._working[day] = date.weekday() not in (4, 5) and date not in self.holidays
        return found


class _Rows:
    def __init__(self, batch: Batch) -> None:
        self.applications = batch.rows("applications_application", TABLES["applications_application"])
        self.history = batch.rows("applications_historyevent", TABLES["applications_historyevent"])
        self.parties = batch.rows("applications_party", TABLES["applications_party"])
        self.decisions = batch.rows("applications_decision", TABLES["applications_decision"])
        self.requests = batch.rows("applications_inforequest", TABLES["applications_inforequest"])


class _Case:
    """One application on its way to the state it rests in."""

    __slots__ = (
        "answers",
        "applicant",
        "applicant_civil_id",
        "assigned",
        "cases",
        "decided",
        "decision",
        "due",
        "events",
        "fields",
        "final",
        "id",
        "obo",
        "parties",
        "paused",
        "request",
        "rng",
        "rows",
        "service",
        "subject",
        "submitted",
        "withdraw_at",
    )

    def __init__(self, cases: Cases, rng: random.Random, rows: _Rows, app_id: int) -> None:
        self.cases, self.rng, self.rows, self.id = cases, rng, rows, app_id
        self.events: list[tuple[int, str]] = []  # moment, the rest of the history row but the id
        self.parties: list[list[Any]] = []  # role, civil_id, consent, responded_at, user id
        self.decision: tuple[str, str, str] | None = None  # outcome, reason, by
        self.request: list[Any] | None = None  # message, document, at, answer, answered_at, by
        self.due: int | None = None
        self.paused: int | None = None
        self.assigned = NULL
        self.submitted: int | None = None
        self.decided: int | None = None

    def event(
        self, at: int, kind: str, actor: str, before: str = "", after: str = "", note: str = "", obo: str = ""
    ) -> None:
        """`actor`: a user id as COPY text (NULL for the platform or an agency's system)."""
        self.events.append((at, f"\t{kind}\t{obo}\t{before}\t{after}\t{note}\t{actor}\t"))

    def make(self) -> None:
        cases, rng = self.cases, self.rng
        service = cases.services[bisect.bisect(cases.cumulative, rng.random() * cases.cumulative[-1])]
        people = cases.people
        count = len(people.ids)
        number = int(count * rng.random() ** 1.5) * people.stride % count  # some file far more than others
        self.applicant, self.subject, self.obo = str(people.ids[number]), people.civil_ids[number], ""
        self.applicant_civil_id = self.subject
        if service.guardian and number in people.children and rng.random() < 0.3:
            self.subject = self.obo = pick(rng, people.children[number])
        self.service, self.final = service, service.state(rng)
        self.answers, self.fields = service.answers.pick(rng) if service.answers else ("{}", ())
        self.withdraw_at = ""
        if self.final == State.WITHDRAWN:
            stages = ["submitted"] if service.consenting else []
            stages += ["awaiting_payment"] if service.fee > 0 else []
            stages += ["in_review", "action_needed"] if service.mode != "automatic" else []
            self.withdraw_at = pick(rng, stages)
        start = max(people.joined[number] + 600, cases.window_start)
        self._flow(service, self.final, self._filed_at(service, self.final, start))
        self._write(service, self.final)

    def _filed_at(self, service: ServiceCase, state: State, start: int) -> int:
        rng, now = self.rng, self.cases.plan.now
        if state in SETTLED or state == State.DRAFT:
            latest = now - (10 + 3 * service.working_days) * DAY
            moment = start + int(max(0, latest - start) * rng.random() ** 0.7)
        else:
            oldest = {
                State.SUBMITTED: 10 * DAY,
                State.AWAITING_PAYMENT: 20 * DAY,
                State.IN_REVIEW: (2 * service.working_days + 4) * DAY,
                State.ACTION_NEEDED: 30 * DAY,
            }[state]
            moment = now - between(rng, HOUR, oldest)
        local_day = self.cases.times.local_day(max(moment, start))
        # People file between 7:00 and 24:00 Kuwait time, most in the morning and the evening.
        hour = pick(rng, (7, 8, 9, 9, 10, 10, 11, 11, 12, 13, 14, 16, 18, 19, 20, 20, 21, 21, 22, 23))
        return local_day * DAY - self.cases.times.offset + hour * HOUR + between(rng, 0, HOUR - 1)

    def _office(self, after: int, most: int) -> int:
        """A moment in office hours (7:30 to 14:00, working days) 0 to `most` working days later."""
        cases, times = self.cases, self.cases.times
        day = times.local_day(after)
        while not cases.is_working(day):
            day += 1
        day = cases.working_days_after(day, between(self.rng, 0, most))
        moment = day * DAY - times.offset + int(7.5 * HOUR) + between(self.rng, 0, int(6.5 * HOUR))
        return moment if moment > after else after + between(self.rng, 60, HOUR)

    def _flow(self, service: ServiceCase, final: State, t: int) -> None:
        rng, applicant, obo = self.rng, self.applicant, self.obo
        draft_first = final == State.DRAFT or rng.random() < 0.15
        if draft_first:
            self.event(t, "created", applicant, obo=obo)
            for _ in range(pick(rng, (0, 0, 1, 2))):
                t += between(rng, 60, 3 * HOUR)
                self.event(t, "saved", applicant, obo=obo)
            if final == State.DRAFT:
                return
            t += between(rng, 60, 2 * DAY)
        self.submitted = t
        self.event(t, "submitted", applicant, "draft", "submitted", obo=obo)
        state = "submitted"
        others = self._others(len(self.fields)) if self.fields else []
        for spec in service.parties:
            if spec.field is None:  # the applicant in that role (the seller): filing is consent
                self.parties.append([spec.role, self.subject, "given", t, NULL, None])
            elif spec.field in self.fields:
                user, civil_id = others.pop()
                consent = "pending" if spec.consent else "not_needed"
                self.parties.append([spec.role, civil_id, consent, None, str(user), spec.field])
        route_actor, route_obo = applicant, obo
        if any(party[2] == "pending" for party in self.parties):
            if final == State.SUBMITTED:
                return
            if self.withdraw_at == "submitted":
                self._withdraw(t, state, paid=False)
                return
            for party in self.parties:
                if party[2] != "pending":
                    continue
                t += between(rng, 600, 3 * DAY)
                party[3] = t
                if final == State.CANCELLED:
                    party[2] = "declined"
                    self.event(t, "consent_declined", party[4], note=party[0])
                    self.event(t, "cancelled", party[4], "submitted", "cancelled", party[0])
                    return
                party[2] = "given"
                self.event(t, "consent_given", party[4], note=party[0])
                route_actor, route_obo = party[4], ""
        paid = False
        if service.fee > 0:
            t += between(rng, 1, 60)
            self.event(t, "payment_due", route_actor, state, "awaiting_payment", obo=route_obo)
            state, self.paused = "awaiting_payment", self.cases.times.local_day(t)
            if final == State.AWAITING_PAYMENT:
                return
            if self.withdraw_at == "awaiting_payment":
                self._withdraw(t, state, paid)
                return
            t += between(rng, 30, 600) if rng.random() < 0.8 else between(rng, HOUR, 2 * DAY)
            self.event(t, "paid", NULL)
            paid, route_actor, route_obo = True, NULL, ""
        if service.mode == "automatic":
            self._decide(t, state, "approved", NULL, "")
            return
        t += between(rng, 0, 2)
        self.event(t, "sent_to_agency", route_actor, state, "in_review", obo=route_obo)
        day = self.cases.times.local_day(t)
        self.due = self.cases.working_days_after(day, service.working_days)
        if self.paused is not None:  # the days waiting for the fee are given back
            self.due = self.cases.working_days_after(
                self.due, self.cases.working_days_between(self.paused, day)
            )
            self.paused = None
        self._worked(service, final, t, "in_review", paid)

    def _worked(self, service: ServiceCase, final: State, t: int, state: str, paid: bool) -> None:
        rng, cases = self.rng, self.cases
        staff = cases.people.staff.get(service.agency_id)
        worker = str(pick(rng, staff)) if staff and service.mode == "backoffice" else NULL
        if service.mode == "agency":
            t += between(rng, 2, 300)
            self.event(t, "delivered", NULL, note=f"{service.agency_code}-{self.id}")
        if final == State.IN_REVIEW and rng.random() < 0.4:
            return  # still in the queue
        if worker != NULL:
            t = self._office(t, 2)
            self.assigned = worker
            self.event(t, "taken", worker)
        elif service.mode == "agency":
            t += between(rng, HOUR, DAY)
            self.event(t, "agency_update", NULL, note=pick(rng, UPDATES))
        if final == State.IN_REVIEW:
            return
        if final == State.ACTION_NEEDED or self.withdraw_at == "action_needed" or rng.random() < 0.06:
            t = self._office(t, 2)
            message, document = pick(rng, INFO)
            self.event(t, "info_requested", worker, state, "action_needed", message)
            self.request = [message, document, t, "", None, worker]
            state, self.paused = "action_needed", cases.times.local_day(t)
            if final == State.ACTION_NEEDED:
                return
            if self.withdraw_at == "action_needed":
                self._withdraw(t, state, paid)
                return
            t += between(rng, 2 * HOUR, 7 * DAY)
            answer = pick(rng, ANSWERS)
            self.event(t, "info_provided", self.applicant, state, "in_review", answer, self.obo)
            self.request[3], self.request[4] = answer, t
            assert self.due is not None
            day = cases.times.local_day(t)
            self.due = cases.working_days_after(self.due, cases.working_days_between(self.paused, day))
            state, self.paused = "in_review", None
        if final == State.WITHDRAWN:
            self._withdraw(t, state, paid)
            return
        t = self._office(t, max(1, int(service.working_days * 1.3)))
        if final == State.REJECTED:
            self._decide(t, state, "rejected", worker, pick(rng, REJECTIONS), paid)
        else:
            self._decide(t, state, "approved", worker, "")

    def _withdraw(self, t: int, state: str, paid: bool) -> None:
        t += between(self.rng, HOUR, 5 * DAY)
        self.event(t, "withdrawn", self.applicant, state, "withdrawn", pick(self.rng, WITHDRAWALS), self.obo)
        self.paused = None
        if paid:
            self.event(t + between(self.rng, 5, 300), "refunded", NULL, note=Money(self.service.fee).amount)

    def _decide(self, t: int, state: str, outcome: str, by: str, reason: str, paid: bool = False) -> None:
        self.decided, self.paused = t, None
        self.decision = (outcome, reason, by)
        if outcome == "approved":
            self.event(t, "approved", by, state, "approved")
            self.event(t, "completed", by, "approved", "completed")
            return
        self.event(t, "rejected", by, state, "rejected", reason)
        if paid:
            self.event(t + between(self.rng, 5, 300), "refunded", NULL, note=Money(self.service.fee).amount)

    def _others(self, count: int) -> list[tuple[int, str]]:
        """`count` other account holders, for the parties named on the form."""
        people, rng = self.cases.people, self.rng
        chosen: list[tuple[int, str]] = []
        seen = {self.subject, self.applicant_civil_id}
        while len(chosen) < count:
            number = int(rng.random() * len(people.ids))
            if people.civil_ids[number] not in seen:
                seen.add(people.civil_ids[number])
                chosen.append((people.ids[number], people.civil_ids[number]))
        return chosen

    # --- rows -----------------------------------------------------------------------------

    def _write(self, service: ServiceCase, final: State) -> None:
        times, rows, app_id, now = self.cases.times, self.rows, self.id, self.cases.plan.now
        late = self.events[-1][0] - now
        if late > 0:  # a flow that would end in the future happened a little earlier
            shift = late + between(self.rng, 60, HOUR)
            self.events = [(moment - shift, rest) for moment, rest in self.events]
            days = math.ceil(shift / DAY)
            self.due = None if self.due is None else self.due - days
            self.paused = None if self.paused is None else self.paused - days
            self.submitted = None if self.submitted is None else self.submitted - shift
            self.decided = None if self.decided is None else self.decided - shift
            for party in self.parties:
                party[3] = None if party[3] is None else party[3] - shift
            if self.request is not None:
                self.request[2] -= shift
                self.request[4] = None if self.request[4] is None else self.request[4] - shift
        at = times.at
        history, tail = rows.history, f"{app_id}\n"
        for moment, rest in self.events:
            history.append(at(moment) + rest + tail)
        answers = self.answers
        if "@@" in answers:
            answers = answers.replace(SUBJECT, self.subject)
            for _role, civil_id, _consent, _responded, _user, form_field in self.parties:
                if form_field is not None:
                    answers = answers.replace(placeholder(form_field), civil_id)
        for role, civil_id, consent, responded, _user, _field in self.parties:
            rows.parties.append(f"{role}\t{civil_id}\t{consent}\t{_at(times, responded)}\t{app_id}\n")
        created = at(self.events[0][0])
        decided = _at(times, self.decided)
        fee = 0 if final == State.DRAFT else service.fee
        rows.applications.append(
            f"{app_id}\t{created[:4]}-{app_id:07d}\t{self.subject}\t{final.value}\t{answers}\t{fee}\t{created}\t"
            f"{at(self.events[-1][0])}\t{_at(times, self.submitted)}\t{decided}\t{_day(times, self.due)}\t"
            f"{_day(times, self.paused)}\t{service.agency_id}\t{self.applicant}\t{self.assigned}\t"
            f"{service.id}\t{service.version_id}\t{{}}\n"  # register facts: none kept at filing
        )
        if self.decision is not None:
            outcome, reason, by = self.decision
            rows.decisions.append(f"{outcome}\t{reason}\t{decided}\t{app_id}\t{by}\n")
        if self.request is not None:
            message, document, asked, answer, answered, by = self.request
            rows.requests.append(
                f"{message}\t{document}\t{at(asked)}\t{answer}\t{_at(times, answered)}\t{app_id}\t{by}\n"
            )


def _at(times: Times, moment: int | None) -> str:
    return NULL if moment is None else times.at(moment)


def _day(times: Times, day: int | None) -> str:
    return NULL if day is None else times.date(day)


for _text in (*[m for m, _ in INFO], *ANSWERS, *REJECTIONS, *WITHDRAWALS, *UPDATES):
    plain(_text)
