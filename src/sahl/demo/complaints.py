"""A few hundred synthetic reports across Kuwait's areas for the demo and the statistics page,
marked `source="demo-data"` (no reporter: they belong to nobody's account)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from sahl.complaints import filing, geo, rules
from sahl.complaints.models import Complaint, Event, Topic
from sahl.core.errors import BadInput
from sahl.core.working_days import kuwait_holidays

SOURCE = "demo-data"
SAYINGS = {
    "ar": "بلاغ تجريبي من بيانات العرض: المشكلة ما زالت قائمة منذ أيام في هذا المكان.",
    "en": "A demo report from the sample data: the problem has been there for days at this place.",
}


def _point_in(area: geo.Area, rng: random.Random) -> tuple[float, float] | None:
    box = geo.area_bounds(area.code)
    for _ in range(40):
        lat, lon = rng.uniform(box[0], box[1]), rng.uniform(box[2], box[3])
        try:
            place = geo.resolve(lat, lon)
        except BadInput:
            continue
        if place.area == area.code:
            return lat, lon
    return None


@transaction.atomic
def seed(count: int, seed: int = 2026) -> int:
    """Create `count` demo reports (once: nothing if there are some already)."""
    if count <= 0 or Complaint.objects.filter(source=SOURCE).exists():
        return 0
    rng = random.Random(seed)
    topics = list(
        Topic.objects.exclude(agency=None).filter(parent__isnull=False, code__regex=r"^(?!service-quality)")
    )
    if not topics:  # the topics are not loaded (manage.py load_complaints): nothing to report on
        return 0
    areas = list(geo.areas())
    now = timezone.now()
    made = 0
    while made < count:
        point = _point_in(rng.choice(areas), rng)
        if point is None:
            continue
        place = geo.resolve(*point)
        topic = rng.choice(topics)
        report = filing.Report(
            topic.code,
            SAYINGS[rng.choice(("ar", "en"))],
            point[0],
            point[1],
            place.governorate,
            place.area or "",
        )
        complaint = filing.file(None, report, source=SOURCE)
        filed = now - dt.timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 23))
        fields: dict[str, object] = {
            "created_at": filed,
            "due_on": rules.due_on(timezone.localdate(filed), topic.working_days, kuwait_holidays()),
        }
        fate = rng.random()
        if fate < 0.6:  # resolved, some of them late
            resolved = filed + dt.timedelta(days=rng.expovariate(1 / max(1, topic.working_days)))
            fields |= {"state": "closed" if fate < 0.35 else "resolved", "resolved_at": min(resolved, now)}
            if fate < 0.35:
                fields["rating"] = rng.choice((2, 3, 4, 4, 5, 5))
            Event.objects.create(
                complaint=complaint, kind=Event.Kind.RESOLVED, agency=complaint.agency, note="—"
            )
        elif fate < 0.8:
            fields["state"] = "acknowledged"
            Event.objects.create(complaint=complaint, kind=Event.Kind.ACKNOWLEDGED, agency=complaint.agency)
        Complaint.objects.filter(pk=complaint.pk).update(**fields)
        made += 1
    return made
