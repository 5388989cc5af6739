"""The topics a complaint is filed under and the routing table, loaded from definitions/; the
filing form's tree of topics; and where a complaint goes (its agency and unit)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from sahl.catalogue.models import Agency
from sahl.complaints import rules
from sahl.complaints.models import RoutingRule, Topic
from sahl.core import yaml_text
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput

DEFINITIONS = Path(__file__).parent / "definitions"
UNKNOWN = "unknown"  # "I do not know which agency": the routing rules decide


@dataclass(frozen=True)
class Loaded:
    topics: int
    rules: int


@transaction.atomic
def load(directory: Path = DEFINITIONS) -> Loaded:
    """Load topics.yaml and routing.yaml (idempotent): topics are updated in place by code, the
    routing table is replaced as a whole. Every agency gets a "quality of service" topic."""
    agencies = {a.code: a for a in Agency.objects.all()}
    if not agencies:
        raise BadInput("complaint.no_catalogue")
    tree = yaml_text.load((directory / "topics.yaml").read_text(encoding="utf-8"))
    position = 0
    for group in tree:
        position += 1
        parent = _topic(group["code"], group["name"], None, None, position)
        for leaf in group["children"]:
            position += 1
            _topic(leaf["code"], leaf["name"], parent, agencies[leaf["agency"]], position, leaf)
    position += 1
    services = _topic(
        "government-services",
        {"ar": "خدمات الجهات الحكومية", "en": "Government services"},
        None,
        None,
        position,
    )
    for agency in agencies.values():
        position += 1
        name = {"ar": f"جودة الخدمة في {agency.name_ar}", "en": f"Quality of service: {agency.name_en}"}
        _topic(f"service-quality-{agency.code}", name, services, agency, position, {"working_days": 10})
    _topic(UNKNOWN, {"ar": "لا أعرف الجهة المختصة", "en": "I do not know which agency"}, None, None, 9999)
    rows = yaml_text.load((directory / "routing.yaml").read_text(encoding="utf-8"))
    RoutingRule.objects.all().delete()
    topics = {t.code: t for t in Topic.objects.all()}
    for row in rows:
        unit = row.get("unit", {})
        RoutingRule.objects.create(
            position=row["position"],
            topic=topics[row["topic"]] if row.get("topic") else None,
            governorate=row.get("governorate", "") or "",
            area=row.get("area", "") or "",
            keywords=", ".join(row.get("keywords", [])),
            agency=agencies[row["agency"]],
            unit_ar=unit.get("ar", ""),
            unit_en=unit.get("en", ""),
            topic_to=topics[row["topic_to"]] if row.get("topic_to") else None,
        )
    return Loaded(Topic.objects.count(), len(rows))


def _topic(
    code: str,
    name: dict[str, str],
    parent: Topic | None,
    agency: Agency | None,
    position: int,
    extra: dict[str, Any] | None = None,
) -> Topic:
    extra = extra or {}
    unit = extra.get("unit", {})
    topic, _ = Topic.objects.update_or_create(
        code=code,
        defaults={
            "parent": parent,
            "name_ar": name["ar"],
            "name_en": name["en"],
            "agency": agency,
            "unit_ar": unit.get("ar", ""),
            "unit_en": unit.get("en", ""),
            "working_days": extra.get("working_days", 5),
            "resolution_photo": bool(extra.get("resolution_photo", False)),
            "position": position,
            "active": True,
        },
    )
    return topic


def topic_tree() -> list[tuple[Topic, list[Topic]]]:
    """The groups and their leaves, for the form (two queries)."""
    topics = list(Topic.objects.filter(active=True).select_related("agency"))
    children: dict[int, list[Topic]] = {}
    for topic in topics:
        if topic.parent_id:
            children.setdefault(topic.parent_id, []).append(topic)
    return [(t, children.get(t.pk, [])) for t in topics if t.parent_id is None]


def leaf_topic(code: str) -> Topic:
    """A topic a complaint can be filed under (one with an agency, or "unknown")."""
    topic = Topic.objects.select_related("agency").filter(code=code, active=True).first()
    if topic is None or (topic.agency_id is None and topic.code != UNKNOWN):
        raise BadInput("complaint.topic_unknown")
    return topic


def _routing_rules() -> list[rules.Rule]:
    return [
        rules.Rule(
            position=r.position,
            agency=r.agency.code,
            topic=r.topic.code if r.topic else "",
            governorate=r.governorate,
            area=r.area,
            keywords=rules.keywords_of(r.keywords),
            unit_ar=r.unit_ar,
            unit_en=r.unit_en,
            topic_to=r.topic_to.code if r.topic_to else "",
        )
        for r in RoutingRule.objects.select_related("agency", "topic", "topic_to")
    ]


@dataclass(frozen=True)
class Destination:
    topic: Topic
    agency: Agency
    unit: BilingualText | None


def destination(topic: Topic, governorate: str, area: str, text: str) -> Destination:
    """Where a complaint goes: the first routing rule that matches, else the topic's agency."""
    found = rules.route(_routing_rules(), rules.Case(topic.code, governorate, area, text))
    if found is None:
        if topic.agency is None:  # "unknown" with no rule at all: the data must have a catch-all
            raise BadInput("complaint.topic_unknown")
        unit = BilingualText(topic.unit_ar, topic.unit_en) if topic.unit_ar else None
        return Destination(topic, topic.agency, unit)
    target = Topic.objects.get(code=found.topic_to) if found.topic_to else topic
    unit_ar, unit_en = (found.unit_ar, found.unit_en) if found.unit_ar else (target.unit_ar, target.unit_en)
    return Destination(
        target, Agency.objects.get(code=found.agency), BilingualText(unit_ar, unit_en) if unit_ar else None
    )


def agencies() -> list[Agency]:
    """Every agency, in the catalogue's order: where a caseworker may forward a complaint."""
    return list(Agency.objects.order_by("position"))
