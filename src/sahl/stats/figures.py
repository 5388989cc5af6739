"""The public figures, read from the prepared counters (never from the big tables) and made safe
to publish: no count below ten, and no total that gives a hidden count back (`rules.protect`).
The page, the API and the open-data files all show this one object, so they cannot disagree. It is
made at most once a minute per process (three grouped reads of the counters and the names)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone

from sahl.catalogue.models import Agency, Service
from sahl.core.bilingual import BilingualText
from sahl.core.cached import cached
from sahl.journeys import public
from sahl.stats import rules
from sahl.stats.models import Counter, Kind, Level

CACHE_KEY = "stats:figures"
CACHED_FOR = 60

# The monthly series, in the page's order.
SERIES = (
    Kind.ACCOUNTS,
    Kind.COMPLETED,
    Kind.PAYMENTS,
    Kind.JOURNEYS_STARTED,
    Kind.JOURNEYS_COMPLETED,
    Kind.COMPLAINTS_FILED,
    Kind.COMPLAINTS_RESOLVED,
)


@dataclass(frozen=True)
class Month:
    month: dt.date
    count: int | None  # None: fewer than ten (or hidden to protect another)
    amount_fils: int | None = None  # payments only; hidden with its count

    @property
    def period(self) -> str:
        return f"{self.month:%Y-%m}"


@dataclass(frozen=True)
class Series:
    kind: str
    total: int | None
    total_amount_fils: int | None
    months: list[Month]

    @property
    def largest(self) -> int:
        return max((m.count or 0 for m in self.months), default=0)


@dataclass(frozen=True)
class AgencyRow:
    code: str
    name: BilingualText
    completed: int | None
    within_level: int | None  # whole percent of decisions with a service level made in time
    median_days: float | None  # from submission to decision
    services: list[ServiceRow] = field(default_factory=list)


@dataclass(frozen=True)
class ServiceRow:
    code: str
    name: BilingualText
    completed: int | None


@dataclass(frozen=True)
class JourneyRow:
    code: str
    name: BilingualText
    started: int | None
    completed: int | None
    median_days: float | None  # from the event to the last step


@dataclass(frozen=True)
class Figures:
    made_at: dt.datetime
    agencies: int  # agencies with an active service (the catalogue is public: not counts of people)
    services: int
    series: dict[str, Series]
    by_agency: list[AgencyRow]
    journeys: list[JourneyRow]


def figures() -> Figures:
    return cached(CACHE_KEY, make, CACHED_FOR)


def make() -> Figures:
    monthly: dict[str, dict[dt.date, tuple[int, int]]] = defaultdict(dict)
    for kind, month, count, amount in (
        Counter.objects.values_list("kind", "month").annotate(Sum("count"), Sum("amount_fils")).order_by()
    ):
        monthly[kind][month] = (count or 0, amount or 0)
    series: dict[str, Series] = {str(kind): _series(kind, monthly.get(kind, {})) for kind in SERIES}

    by_subject: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    histograms: dict[str, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    in_time: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # agency: [within, with a level]
    grouped = (
        Counter.objects.filter(
            kind__in=[Kind.COMPLETED, Kind.DECIDED, Kind.JOURNEYS_STARTED, Kind.JOURNEYS_COMPLETED]
        )
        .values_list("kind", "agency", "subject", "days", "level")
        .annotate(Sum("count"))
        .order_by()
    )
    for kind, agency, subject, days, level, count in grouped:
        if kind == Kind.DECIDED:
            histograms[kind][agency][days] = histograms[kind][agency].get(days, 0) + count
            if level != Level.NONE:
                in_time[agency][1] += count
                in_time[agency][0] += count if level == Level.WITHIN else 0
            continue
        if kind == Kind.JOURNEYS_COMPLETED:
            histograms[kind][subject][days] = histograms[kind][subject].get(days, 0) + count
        by_subject[kind][(agency, subject)] = by_subject[kind].get((agency, subject), 0) + count

    return Figures(
        made_at=timezone.now(),
        agencies=Agency.objects.filter(services__is_active=True).distinct().count(),
        services=Service.objects.filter(is_active=True).count(),
        series=series,
        by_agency=_agencies(series[Kind.COMPLETED].total, by_subject[Kind.COMPLETED], histograms[Kind.DECIDED], in_time),
        journeys=_journeys(series, by_subject, histograms[Kind.JOURNEYS_COMPLETED]),
    )  # fmt: skip


def _series(kind: str, months: dict[dt.date, tuple[int, int]]) -> Series:
    counts = {m: c for m, (c, _) in months.items()}
    cells, total = rules.protect(counts, sum(counts.values()))
    amounts = {m: a for m, (_, a) in months.items()}
    shown_amount = total is not None and kind == Kind.PAYMENTS
    return Series(
        kind,
        total,
        sum(amounts.values()) if shown_amount else None,
        [
            Month(m, cells[m], amounts[m] if kind == Kind.PAYMENTS and cells[m] is not None else None)
            for m in sorted(cells)
        ],
    )


def _agencies(
    total: int | None,
    completed: dict[tuple[str, str], int],
    histograms: dict[str, dict[int, int]],
    in_time: dict[str, list[int]],
) -> list[AgencyRow]:
    agencies = list(Agency.objects.order_by("position", "code"))
    names = {a.code: BilingualText(a.name_ar, a.name_en) for a in agencies}
    services = {
        code: BilingualText(ar, en)
        for code, ar, en in Service.objects.values_list("code", "name_ar", "name_en")
    }
    per_agency: dict[str, int] = defaultdict(int)
    for (agency, _), n in completed.items():
        per_agency[agency] += n
    # Every agency's count, shown against the total of all (a margin the page publishes).
    agency_cells, _ = rules.protect(dict(per_agency), total)
    rows = []
    for listed in agencies:
        code = listed.code
        theirs = {service: n for (a, service), n in completed.items() if a == code and service in services}
        # Each agency's services are protected against the agency's own count, whether that is shown
        # or not; when it is hidden, one more service is hidden so the services do not add up to it.
        service_cells, _ = rules.protect(theirs, per_agency.get(code, 0))
        if (
            agency_cells.get(code) is None
            and service_cells
            and all(v is not None for v in service_cells.values())
        ):
            smallest = min(service_cells, key=lambda s: (theirs[s], s))
            service_cells[smallest] = None
        histogram = histograms.get(code, {})
        decided = sum(histogram.values())
        within, with_level = in_time.get(code, [0, 0])
        if not (theirs or decided):
            continue
        rows.append(
            AgencyRow(
                code,
                names[code],
                agency_cells.get(code),
                rules.share(within, with_level),
                rules.median_days(histogram) if decided >= rules.SMALLEST_SHOWN else None,
                [
                    ServiceRow(s, services[s], service_cells[s])
                    for s in sorted(service_cells, key=lambda s: (-theirs[s], s))
                ],
            )
        )
    return rows


def _journeys(
    series: dict[str, Series],
    by_subject: dict[str, dict[tuple[str, str], int]],
    histograms: dict[str, dict[int, int]],
) -> list[JourneyRow]:
    names = {card.code: card.name for card in public.journeys()}
    started = {code: n for (_, code), n in by_subject[Kind.JOURNEYS_STARTED].items()}
    completed = {code: n for (_, code), n in by_subject[Kind.JOURNEYS_COMPLETED].items()}
    started_cells, _ = rules.protect(started, series[Kind.JOURNEYS_STARTED].total)
    completed_cells, _ = rules.protect(completed, series[Kind.JOURNEYS_COMPLETED].total)
    return [
        JourneyRow(
            code,
            name,
            started_cells.get(code),
            completed_cells.get(code),
            rules.median_days(histograms.get(code, {}))
            if completed.get(code, 0) >= rules.SMALLEST_SHOWN
            else None,
        )
        for code, name in sorted(names.items())
    ]
