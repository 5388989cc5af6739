"""The public statistics of complaints: counts by place, topic and agency, and how each agency keeps
its deadlines. No personal data: only places, topics and agencies."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from django.db.models import Count
from django.utils import timezone

from sahl.catalogue.models import Agency
from sahl.complaints import geo
from sahl.complaints.models import Complaint, Topic
from sahl.core.bilingual import BilingualText


@dataclass(frozen=True)
class AgencyFigures:
    agency: Agency
    filed: int
    resolved: int
    within_deadline: int  # resolved on or before the due date
    median_days: float | None  # from filing to resolution

    @property
    def share_within_deadline(self) -> int | None:
        return round(100 * self.within_deadline / self.resolved) if self.resolved else None


@dataclass(frozen=True)
class Statistics:
    total: int
    by_governorate: list[tuple[BilingualText, int]]
    by_area: list[tuple[BilingualText, BilingualText, int]]  # area, its governorate, count
    by_topic: list[tuple[Topic, int]]
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
    figures = []
    for agency in Agency.objects.filter(pk__in=filed).order_by("position"):
        times = per_agency.get(agency.pk, [])
        figures.append(
            AgencyFigures(
                agency,
                filed[agency.pk],
                len(times),
                sum(1 for _, on_time in times if on_time),
                round(median(d for d, _ in times), 1) if times else None,
            )
        )
    return Statistics(rows.count(), by_governorate, by_area, by_topic, figures)
