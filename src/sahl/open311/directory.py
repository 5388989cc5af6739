"""The directory an Open311 client reads before it posts: the endpoint (discovery), the services (the
complaint topics a request can be filed under, with their group and the words routing knows them
by) and each service's definition (its attributes, data in definitions/attributes.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from sahl.catalogue.models import Agency
from sahl.complaints import topics
from sahl.complaints.models import RoutingRule, Topic
from sahl.core import yaml_text
from sahl.core.bilingual import BilingualText
from sahl.core.languages import in_language
from sahl.open311 import descriptions, rules
from sahl.open311.rules import Open311Error

DEFINITIONS = Path(__file__).parent / "definitions"
BASE_PATH = "/open311/v2"


@dataclass(frozen=True)
class Definitions:
    changeset: str
    common: tuple[rules.Attribute, ...]
    by_topic: dict[str, tuple[rules.Attribute, ...]]

    def attributes(self, topic_code: str) -> tuple[rules.Attribute, ...]:
        return self.by_topic.get(topic_code, ()) + self.common


@cache
def definitions(directory: Path = DEFINITIONS) -> Definitions:
    """definitions/attributes.yaml, checked once per process."""
    data = yaml_text.load((directory / "attributes.yaml").read_text(encoding="utf-8"))
    common = tuple(rules.attribute_from(a) for a in data.get("all", ()) or ())
    by_topic = {
        str(code): tuple(rules.attribute_from(a) for a in attributes or ())
        for code, attributes in (data.get("topics") or {}).items()
    }
    for code, attributes in by_topic.items():
        codes = [a.code for a in attributes + common]
        if len(codes) != len(set(codes)):
            raise ValueError(f"attributes.yaml: service {code} has an attribute code twice")
    return Definitions(str(data["changeset"]), common, by_topic)


def discovery(language: str) -> dict[str, Any]:
    changeset = definitions().changeset
    return {
        "changeset": changeset,
        "contact": in_language(descriptions.CONTACT, language),
        "key_service": in_language(descriptions.KEY_SERVICE, language),
        "endpoints": [
            {
                "specification": rules.SPECIFICATION,
                "url": settings.SAHL_PUBLIC_URL + BASE_PATH,
                "changeset": changeset,
                "type": "test" if settings.DEBUG else "production",
                "formats": ["application/xml", "application/json"],
            }
        ],
    }


def service_topics() -> list[tuple[Topic, Topic | None]]:
    """Every topic a complaint can be filed under, with its group (one query)."""
    found: list[tuple[Topic, Topic | None]] = []
    for root, children in topics.topic_tree():
        if children:
            found.extend((child, root) for child in children if child.agency_id is not None)
        elif root.agency_id is not None or root.code == topics.UNKNOWN:
            found.append((root, None))
    return found


def _service(code: str) -> tuple[Topic, Topic | None]:
    found = next(((t, g) for t, g in service_topics() if t.code == code), None)
    if found is None:
        raise Open311Error(404, descriptions.SERVICE_CODE_UNKNOWN, code=code[:60])
    return found


def _routing_keywords() -> dict[str, list[str]]:
    """The words routing rules send to each topic: synonyms a client can search by."""
    words: dict[str, list[str]] = {}
    for topic_to, keywords in RoutingRule.objects.exclude(topic_to=None).values_list(
        "topic_to__code", "keywords"
    ):
        words.setdefault(topic_to, []).extend(w.strip() for w in keywords.split(",") if w.strip())
    return words


def agency_name(agency: Agency, unit: BilingualText | None, language: str) -> str:
    """The agency responsible, with its unit when one is known."""
    name = agency.name.get(language)
    return f"{name} – {unit.get(language)}" if unit is not None else name


def _topic_unit(topic: Topic) -> BilingualText | None:
    return BilingualText(topic.unit_ar, topic.unit_en) if topic.unit_ar and topic.unit_en else None


def service_list(jurisdiction_id: str, language: str) -> list[dict[str, Any]]:
    rules.check_jurisdiction(jurisdiction_id)
    keywords = _routing_keywords()
    answer = []
    for topic, group in service_topics():
        if topic.agency is None:
            description = in_language(descriptions.UNKNOWN_DESCRIPTION, language)
        else:
            agency = agency_name(topic.agency, _topic_unit(topic), language)
            description = in_language(descriptions.SERVICE_DESCRIPTION, language).format(
                agency=agency, days=topic.working_days
            )
        other = "ar" if language == "en" else "en"
        words = [topic.name.get(other)]
        if group is not None:
            words += [group.name.get(language), group.name.get(other)]
        if topic.agency is not None:
            words += [topic.agency.name.get(other)]
        words += keywords.get(topic.code, [])
        answer.append(
            {
                "service_code": topic.code,
                "service_name": topic.name.get(language),
                "description": description,
                "metadata": bool(definitions().attributes(topic.code)),
                "type": "realtime",
                "keywords": ", ".join(dict.fromkeys(w.replace(",", " ") for w in words)),
                "group": group.name.get(language) if group is not None else None,
            }
        )
    return answer


def service_definition(code: str, jurisdiction_id: str, language: str) -> dict[str, Any]:
    rules.check_jurisdiction(jurisdiction_id)
    topic, _ = _service(code)
    attributes = []
    for order, attribute in enumerate(definitions().attributes(topic.code), start=1):
        entry: dict[str, Any] = {
            "variable": attribute.variable,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": (
                attribute.datatype_description.get(language) if attribute.datatype_description else None
            ),
            "order": order,
            "description": attribute.description.get(language),
        }
        if attribute.values:
            entry["values"] = [{"key": v.key, "name": v.name.get(language)} for v in attribute.values]
        attributes.append(entry)
    return {"service_code": topic.code, "attributes": attributes}
