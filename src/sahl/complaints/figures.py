"""The public statistics of complaints: counts by place, topic and agency, and how each agency keeps
its deadlines. No personal data: only places, topics and agencies; and no count below ten, nor a
total that gives one back (`core.small_counts`): such a count is None, shown as "fewer than 10"."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from django.db.models import Count
from django.utils import timezone

from sahl.catalogue.models import Agency
from sahl.complaints import geo
from sahl.complaints.models import Complaint, Topic
from sahl.core.bilingual import BilingualText
from sahl.core.small_counts import SMALLEST_SHOWN, protect, shown


@dataclass(frozen=True)
class AgencyFigures:
    agency: Agency
    filed: int | None
    resolved: int | None
    share_within_deadline: int | None  # whole percent resolved by the due date (10 resolved or more)
    median_days: float | None  # from filing to resolution (10 resolved or more)


@dataclass(frozen=True)
class Statistics:
    total: int | None
    by_governorate: list[tuple[BilingualText, int | None]]
    by_area: list[tuple[BilingualText, BilingualText, int | None]]  # area, its governorate, count
    by_topic: list[tuple[Topic, int | None]]
    by_agency: list[AgencyFigures]


def statistics() -> Statistics:
    """Counts for the public page."""
    rows = Complaint.objects.all()
    # Places are counted by code and shown by name: a code nobody can name (none today: every stored
    # code comes from the shipped outlines) is left out of the list rather than shown as a number.
    governorates = {g.code: g.name for g in geo.governorates()}
    areas = {a.code: a.name for a in geo.areas()}
    by_governorate = [
        (governorates[g], n)
        for g, n in rows.values_list("governorate").annotate(n=Count("pk")).order_by("-n", "governorate")
        if g in governorates
    ]
    by_area = [
        (areas[a], governorates[g], n)
        for g, a, n in rows.exclude(area="")
        .values_list("governorate", "area")
        .annotate(n=Count("pk"))
        .order_by("-n", "area")[:50]
        if a in areas and g in governorates
    ]
    topics = {t.pk: t for t in Topic.objects.all()}
    by_topic = [(topics[t], n) for t, n in rows.values_list("topic").annotate(n=Count("pk")).order_by("-n")]
    resolved = rows.filter(resolved_at__isnull=False).values_list(
        "agency", "created_at", "resolved_at", "due_on"
    )
    per_agency: dict[int, list[tuple[float, bool]]] = {}
    for agency_id, created, resolved_at, due in resolved:
        assert resolved_at is not None  # filtered above
        days = (resolved_at - created).total_seconds() / 86400
        per_agency.setdefault(agency_id, []).append((days, timezone.localdate(resolved_at) <= due))
    filed = dict(rows.values_list("agency").annotate(n=Count("pk")))
    total = rows.count()
    # Every list that adds up to the total is protected against it; the areas (the 50 most reported,
    # reports without an area left out) and the resolved counts add up to no published figure.
    governorate_cells, shown_total = protect(dict(enumerate(n for _, n in by_governorate)), total)
    topic_cells, _ = protect(dict(enumerate(n for _, n in by_topic)), total)
    filed_cells, _ = protect(filed, total)
    figures = []
    for agency in Agency.objects.filter(pk__in=filed).order_by("position"):
        times = per_agency.get(agency.pk, [])
        enough = len(times) >= SMALLEST_SHOWN
        figures.append(
            AgencyFigures(
                agency,
                filed_cells.get(agency.pk),
                shown(len(times)),
                round(100 * sum(1 for _, on_time in times if on_time) / len(times)) if enough else None,
                round(median(d for d, _ in times), 1) if enough else None,
            )
        )
    return Statistics(
        shown_total,
        [(name, governorate_cells[i]) for i, (name, _) in enumerate(by_governorate)],
        [(area, governorate, shown(n)) for area, governorate, n in by_area],
        [(topic, topic_cells[i]) for i, (topic, _) in enumerate(by_topic)],
        figures,
    )
