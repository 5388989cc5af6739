"""Turning a definition's form schema into fields a template can render."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sahl.applications.rules import prefilled_values
from sahl.catalogue.definition import ServiceDefinition
from sahl.core.bilingual import BilingualText
from sahl.core.languages import Wording
from sahl.registry.adapters import Profile
from sahl.registry.facts import CHOICE_KEYS


@dataclass(frozen=True)
class Field:
    name: str
    label: BilingualText
    widget: str  # select, text, date, number, email, checkbox
    value: str
    required: bool
    readonly: bool
    choices: tuple[tuple[str, Wording], ...]
    error: Any  # BilingualText or None
    max_length: int | None
    help: BilingualText | None
    empty_choices: bool  # a choice among the person's records, but they have none


def form_fields(
    definition: ServiceDefinition,
    profile: Profile | None,
    answers: Mapping[str, Any],
    errors: Mapping[str, Any],
) -> list[Field]:
    schema = definition.form
    required = set(schema.get("required", []))
    prefilled = prefilled_values(schema, profile) if profile else {}
    fields = []
    for name, prop in schema.get("properties", {}).items():
        choices: tuple[tuple[str, Wording], ...] = ()
        source = prop.get("x-prefill")
        if source in CHOICE_KEYS:
            widget = "select"
            records = profile.choices.get(source, ()) if profile else ()
            choices = tuple((c.value, c.label) for c in records)
        elif "enum" in prop:
            widget = "select"
            titles = prop["x-enum-titles"]
            choices = tuple((str(v), BilingualText.from_dict(titles[str(v)])) for v in prop["enum"])
        elif prop["type"] == "boolean":
            widget = "checkbox"
        elif prop["type"] in ("integer", "number"):
            widget = "number"
        else:
            widget = {"date": "date", "email": "email"}.get(prop.get("format", ""), "text")
        value = prefilled.get(name, answers.get(name, ""))
        fields.append(
            Field(
                name=name,
                label=BilingualText.from_dict(prop["title"]),
                widget=widget,
                value="" if value is None else str(value),
                required=name in required,
                readonly=name in prefilled,
                choices=choices,
                error=errors.get(name),
                max_length=prop.get("maxLength"),
                help=BilingualText.from_dict(prop["description"]) if "description" in prop else None,
                empty_choices=source in CHOICE_KEYS and not choices,
            )
        )
    return fields
