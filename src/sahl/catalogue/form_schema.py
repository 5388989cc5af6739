"""A service's form as JSON Schema: the answers are checked by jsonschema (Draft 2020-12).

A definition's `form` is JSON Schema with Sahl's own `x-` keywords beside the standard ones:

- `x-prefill`: where an answer comes from. A value source (`applicant.full_name`...) is filled in
  from the registers and never taken from the person; a choice key (`applicant.vehicles`...) is a
  choice among the person's own records.
- `x-enum-titles`: the bilingual title of each `enum` value (shown, never checked).
- `x-records`: the records a choice key offers this person. It is never written in a definition:
  `answers_schema` fills it in from `x-prefill` for each person, and `check_answers` checks it.

Titles and descriptions are bilingual mappings, which JSON Schema's own `title` is not, so they
stay out of the schema the answers are checked against.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from sahl.registry.facts import CHOICE_KEYS

if TYPE_CHECKING:  # jsonschema (some 10 MB a process) loads with the first form checked, not at start
    from jsonschema import FormatChecker, ValidationError
    from jsonschema.protocols import Validator

ANNOTATIONS = frozenset({"title", "description", "x-enum-titles", "x-prefill"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(dt.date.fromisoformat(value))


def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


def _among_records(
    validator: Validator, records: Collection[str], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    from jsonschema import ValidationError

    if instance not in records:
        yield ValidationError("is not one of the person's records")


@cache
def _checking() -> tuple[type[Validator], FormatChecker]:
    """Draft 2020-12 with Sahl's `x-records`, and the two formats a form may use, checked as Sahl
    always has (jsonschema's own "email" only looks for an "@"); no other format is checked."""
    from jsonschema import Draft202012Validator, FormatChecker, validators

    formats = FormatChecker(formats=())
    formats.checks("date", raises=ValueError)(_is_date)
    formats.checks("email")(_is_email)
    return validators.extend(Draft202012Validator, {"x-records": _among_records}), formats


def answers_schema(
    form: Mapping[str, Any],
    records: Mapping[str, Collection[str]],
    *,
    skip: Collection[str] = (),
    partial: bool = False,
) -> dict[str, Any]:
    """The JSON Schema one person's answers are checked against. `records` are the person's
    choices by choice key; fields in `skip` (filled in from the registers) are left out, and a
    `partial` form (a draft) requires nothing."""
    properties = {}
    for name, prop in form.get("properties", {}).items():
        if name in skip:
            continue
        checked = {key: value for key, value in prop.items() if key not in ANNOTATIONS}
        if "enum" in checked and prop["type"] == "string":
            # Form posts are text: an option written as a number in YAML is chosen as its text.
            checked["enum"] = [str(value) for value in checked["enum"]]
        if prop.get("x-prefill") in CHOICE_KEYS:
            checked["x-records"] = sorted(records.get(prop["x-prefill"], ()))
        properties[name] = checked
    required = [] if partial else [name for name in form.get("required", []) if name not in skip]
    return {"type": "object", "properties": properties, "required": required}


def check_answers(schema: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, ValidationError]:
    """Each field's first problem, in the order a person fixes them (a missing answer, then its
    kind, then its choice, then its length, pattern, format and bounds)."""
    found: dict[str, ValidationError] = {}
    validator, formats = _checking()
    for error in validator(schema, format_checker=formats).iter_errors(answers):
        if error.validator == "required":
            names = [name for name in error.validator_value if name not in answers]
        else:
            names = [str(error.path[0])]
        for name in names:
            if name not in found or _rank(error) < _rank(found[name]):
                found[name] = error
    return found


_ORDER = ("required", "type", "x-records", "enum", "maxLength", "minLength", "pattern", "format")


def _rank(error: ValidationError) -> int:
    keyword = str(error.validator)
    return _ORDER.index(keyword) if keyword in _ORDER else len(_ORDER)
