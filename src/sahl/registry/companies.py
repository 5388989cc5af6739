"""The companies register as a company's own account reads it: the licence and its activities, the
other permits, the people who sign, the workers from the labour register and the social-insurance
statements. `DatabaseRegisters` answers through these functions; a real deployment's registers
answer the same records from the Ministry of Commerce, PAM and PIFSS."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, F, IntegerField, Q, Sum, Value
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sahl.core.bilingual import BilingualText
from sahl.core.effects import Change
from sahl.registry import kept
from sahl.registry import models as m

COMPANY_NUMBER = re.compile(r"^CR-[0-9]{1,9}$")
WORK_PERMIT_RENEWED = _("Work permit {permit} renewed until {until}")
LICENCE_RENEWED = _("Commercial licence renewed until {until}")
LICENCE_CANCELLED = _("Commercial licence cancelled on {day}")


def is_company_number(text: str) -> bool:
    return bool(COMPANY_NUMBER.match(text))


@dataclass(frozen=True)
class PermitRecord:
    number: str
    agency: str
    name: BilingualText
    expires_on: dt.date


@dataclass(frozen=True)
class RoleRecord:
    civil_id: str
    name: BilingualText
    role: str  # owner, partner or signatory


@dataclass(frozen=True)
class CompanyDetails:
    number: str
    name: BilingualText
    activities: tuple[BilingualText, ...]  # the main one first
    licence_expiry: dt.date
    licence_cancelled_on: dt.date | None
    permits: tuple[PermitRecord, ...]
    roles: tuple[RoleRecord, ...]

    @property
    def cancelled(self) -> bool:
        return self.licence_cancelled_on is not None


@dataclass(frozen=True)
class WorkerRecord:
    civil_id: str
    name: BilingualText
    nationality: str
    occupation: BilingualText
    permit_number: str
    permit_expiry: dt.date
    residency_expiry: dt.date | None
    monthly_salary_fils: int


@dataclass(frozen=True)
class WorkersPage:
    workers: tuple[WorkerRecord, ...]
    after: str  # the cursor of the next page ("" on the last one)


@dataclass(frozen=True)
class Workforce:
    """What a company's home counts of its workers, from one read however many they are."""

    workers: int
    permits_expired: int
    permits_expiring: int  # within the horizon, not yet expired
    residencies_expiring: int  # expired or within the horizon


@dataclass(frozen=True)
class StatementRecord:
    record: str  # statement:<id>
    period: dt.date
    insured_count: int
    amount_fils: int
    due_on: dt.date
    paid_on: dt.date | None
    paid_fils: int
    payment_reference: str


def details(number: str) -> CompanyDetails | None:
    company = m.Company.objects.filter(number=number).first()
    if company is None:
        return None
    roles = m.CompanyRole.objects.filter(company=company).select_related("person").order_by("role", "pk")
    main = BilingualText(company.activity_ar, company.activity_en)
    more = tuple(BilingualText(a.get("ar", ""), a.get("en", "")) for a in company.more_activities or ())
    return CompanyDetails(
        company.number,
        BilingualText(company.name_ar, company.name_en),
        (main, *more),
        company.licence_expiry,
        company.licence_cancelled_on,
        tuple(
            PermitRecord(p.number, p.agency, BilingualText(p.name_ar, p.name_en), p.expires_on)
            for p in company.permits.order_by("expires_on", "number")
        ),
        tuple(
            RoleRecord(r.person.civil_id, BilingualText(r.person.name_ar, r.person.name_en), r.role)
            for r in roles
        ),
    )


def _current(number: str) -> Q:
    return Q(company__number=number, ended_on__isnull=True)


def _worker(e: m.WorkPermit) -> WorkerRecord:
    w = e.worker
    return WorkerRecord(
        w.civil_id,
        BilingualText(w.name_ar, w.name_en),
        w.nationality,
        BilingualText(e.occupation_ar, e.occupation_en),
        e.permit_number,
        e.permit_expiry,
        w.residency_expiry,
        e.monthly_salary_fils,
    )


def workers(
    number: str,
    *,
    search: str = "",
    expiring_by: dt.date | None = None,
    civil_ids: Collection[str] = (),
    after: str = "",
    size: int = 50,
) -> WorkersPage:
    """A page of the company's current workers, the permit that expires first first, by keyset
    (`after` is the cursor a previous page gave). `expiring_by`: only those whose permit or
    residency ends by that day; `search`: a name, civil ID or permit number; `civil_ids`: only them."""
    rows = m.WorkPermit.objects.filter(_current(number)).select_related("worker")
    if expiring_by is not None:
        rows = rows.filter(Q(permit_expiry__lte=expiring_by) | Q(worker__residency_expiry__lte=expiring_by))
    if search.strip():
        text = search.strip()
        rows = rows.filter(
            Q(worker__name_ar__icontains=text)
            | Q(worker__name_en__icontains=text)
            | Q(worker__civil_id=text)
            | Q(permit_number=text)
        )
    if civil_ids:
        rows = rows.filter(worker__civil_id__in=list(civil_ids))
    day, _, pk = after.partition("~")
    if day and pk.isdigit():
        try:
            since = dt.date.fromisoformat(day)
        except ValueError:
            since = None
        if since is not None:
            rows = rows.filter(permit_expiry__gte=since).filter(
                Q(permit_expiry__gt=since) | Q(permit_expiry=since, pk__gt=int(pk))
            )
    found = list(rows.order_by("permit_expiry", "pk")[: size + 1])
    last = found[size - 1] if len(found) > size else None
    cursor = f"{last.permit_expiry.isoformat()}~{last.pk}" if last else ""
    return WorkersPage(tuple(_worker(e) for e in found[:size]), cursor)


def workforce(number: str, today: dt.date, horizon: dt.date) -> Workforce:
    counted = m.WorkPermit.objects.filter(_current(number)).aggregate(
        workers=Count("pk"),
        expired=Count("pk", filter=Q(permit_expiry__lt=today)),
        expiring=Count("pk", filter=Q(permit_expiry__gte=today, permit_expiry__lte=horizon)),
        residencies=Count("pk", filter=Q(worker__residency_expiry__lte=horizon)),
    )
    return Workforce(counted["workers"], counted["expired"], counted["expiring"], counted["residencies"])


def statements(number: str, *, records: Collection[str] = (), size: int = 24) -> list[StatementRecord]:
    """The company's latest statements, the newest month first (only `records` when given)."""
    rows = m.ContributionStatement.objects.filter(company__number=number)
    if records:
        ids = [int(r.partition(":")[2]) for r in records if r.startswith("statement:") and r[10:].isdigit()]
        rows = rows.filter(pk__in=ids)
    return [
        StatementRecord(
            f"statement:{s.pk}",
            s.period,
            s.insured_count,
            s.amount_fils,
            s.due_on,
            s.paid_on,
            s.paid_fils,
            s.payment_reference,
        )
        for s in rows.order_by("-period")[:size]
    ]


def unpaid_total(number: str) -> int:
    found = m.ContributionStatement.objects.filter(company__number=number, paid_on__isnull=True)
    return int(found.aggregate(total=Sum("amount_fils"))["total"] or 0)


def settle_statements(
    records: Collection[str], payment_reference: str, paid_on: dt.date, paid: dict[str, int]
) -> int:
    """Mark statements paid by a payment (once: one already paid stays as it was). Returns how many
    were marked."""
    ids = [int(r.partition(":")[2]) for r in records if r.startswith("statement:") and r[10:].isdigit()]
    marked = 0
    for s in m.ContributionStatement.objects.select_for_update().filter(pk__in=ids, paid_on__isnull=True):
        s.paid_on, s.payment_reference = paid_on, payment_reference
        s.paid_fils = paid.get(f"statement:{s.pk}", s.amount_fils)
        s.save(update_fields=["paid_on", "payment_reference", "paid_fils"])
        marked += 1
    return marked


def cancel_licence(number: str, day: dt.date) -> bool:
    """The Ministry of Commerce cancels the company's licence; False if unknown or already cancelled."""
    cancelled = bool(
        m.Company.objects.filter(number=number, licence_cancelled_on__isnull=True).update(
            licence_cancelled_on=day
        )
    )
    if cancelled:  # an update sends no post_save: the profiles that show the licence forget it here
        people = m.CompanyRole.objects.filter(company__number=number).values_list(
            "person__civil_id", flat=True
        )
        kept.forget_profiles([number, *people])
    return cancelled


def plus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def renew_work_permit(number: str, worker_civil_id: str, today: dt.date) -> Change:
    employment = (
        m.WorkPermit.objects.select_for_update()
        .filter(_current(number), worker__civil_id=worker_civil_id)
        .get()
    )
    employment.permit_expiry = plus_years(max(employment.permit_expiry, today), 1)
    employment.save(update_fields=["permit_expiry"])
    until = employment.permit_expiry
    return Change(
        format_lazy(WORK_PERMIT_RENEWED, permit=employment.permit_number, until=until.isoformat()), until
    )


def renew_licence(number: str, today: dt.date) -> Change:
    company = m.Company.objects.select_for_update().get(number=number, licence_cancelled_on__isnull=True)
    company.licence_expiry = plus_years(max(company.licence_expiry, today), 1)
    company.save(update_fields=["licence_expiry"])
    return Change(
        format_lazy(LICENCE_RENEWED, until=company.licence_expiry.isoformat()), company.licence_expiry
    )


# --- What a company is reminded of (journeys' sweep) ------------------------------------------


@dataclass(frozen=True)
class CompanyDue:
    """What one company has coming on one day, counted, never named: its commercial licence
    expiring, its current workers' work permits or residencies ending, unpaid social-insurance
    statements falling due. `kind` is a key of `DUES`."""

    kind: str
    company_id: int
    number: str
    on: dt.date
    count: int  # licences (1), permits, residencies or statements ending or due that day
    amount_fils: int = 0  # of statements: what is unpaid


def _licences(first: dt.date, last: dt.date) -> Any:
    rows = m.Company.objects.filter(licence_expiry__range=(first, last), licence_cancelled_on__isnull=True)
    return rows.annotate(
        kind=Value("commercial_licence", output_field=CharField()),
        company_id=F("pk"),  # named as the other reads' column, which the union is ordered by
        n=Value(1, output_field=IntegerField()),
        fils=Value(0, output_field=IntegerField()),
    ).values_list("kind", "company_id", "number", "licence_expiry", "n", "fils")


def _workers(first: dt.date, last: dt.date, expiry: str, kind: str) -> Any:
    # The labour register's current permits of companies whose licence stands.
    rows = m.WorkPermit.objects.filter(
        **{f"{expiry}__range": (first, last)},
        ended_on__isnull=True,
        company__licence_cancelled_on__isnull=True,
    )
    return (
        rows.values("company_id", "company__number", expiry)
        .annotate(kind=Value(kind, output_field=CharField()), n=Count("pk"), fils=Value(0, IntegerField()))
        .values_list("kind", "company_id", "company__number", expiry, "n", "fils")
    )


def _statements(first: dt.date, last: dt.date) -> Any:
    rows = m.ContributionStatement.objects.filter(due_on__range=(first, last), paid_on__isnull=True)
    return (
        rows.values("company_id", "company__number", "due_on")
        .annotate(
            kind=Value("contributions", output_field=CharField()), n=Count("pk"), fils=Sum("amount_fils")
        )
        .values_list("kind", "company_id", "company__number", "due_on", "n", "fils")
    )


# A kind of company due, and its read (one GROUP BY a day, per company).
DUES: dict[str, Callable[[dt.date, dt.date], Any]] = {
    "commercial_licence": _licences,
    "work_permit": lambda first, last: _workers(first, last, "permit_expiry", "work_permit"),
    "worker_residency": lambda first, last: _workers(
        first, last, "worker__residency_expiry", "worker_residency"
    ),
    "contributions": _statements,
}


def dues(first: dt.date, last: dt.date, kinds: Collection[str]) -> Iterator[CompanyDue]:
    """The kinds' dues from `first` to `last`, both included, one per company, kind and day, a
    company's all together (ordered by company): one SELECT whatever their number."""
    reads = [DUES[kind](first, last) for kind in kinds]
    rows = reads[0].union(*reads[1:], all=True) if len(reads) > 1 else reads[0]
    for kind, company_id, number, on, count, fils in rows.order_by("company_id").iterator(chunk_size=2000):
        yield CompanyDue(kind, company_id, number, on, int(count), int(fils or 0))


def signers(numbers: Collection[str]) -> dict[str, tuple[str, ...]]:
    """The civil IDs of the owners and authorised signatories of these companies (one read)."""
    found: dict[str, list[str]] = {}
    rows = m.CompanyRole.objects.filter(
        company__number__in=list(numbers), role__in=[m.CompanyRole.Role.OWNER, m.CompanyRole.Role.SIGNATORY]
    ).values_list("company__number", "person__civil_id")
    for number, civil_id in rows.order_by("company__number", "pk"):
        found.setdefault(number, []).append(civil_id)
    return {number: tuple(people) for number, people in found.items()}
