"""Checking what a person sends: form answers against the service's schema, files by content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.text import format_lazy
from django.utils.translation import pgettext_lazy

from sahl.catalogue.definition import DOCUMENT_MAX_MB, MAX_DOCUMENTS, RequiredDocument
from sahl.catalogue.form_schema import answers_schema, check_answers
from sahl.core.errors import SahlError
from sahl.core.languages import Wording
from sahl.registry.adapters import Profile

if TYPE_CHECKING:
    from jsonschema import ValidationError

# What a person reads beside a field their answer does not fit (a context of their own: Django's
# catalogue words some of the same English differently).
MESSAGES = {
    "required": pgettext_lazy("form answer", "This field is required."),
    "choice": pgettext_lazy("form answer", "Choose one of the records registered in your name."),
    "enum": pgettext_lazy("form answer", "Choose one of the options shown."),
    "too_long": pgettext_lazy("form answer", "The text is longer than {limit} characters."),
    "too_short": pgettext_lazy("form answer", "The text is shorter than {limit} characters."),
    "pattern": pgettext_lazy("form answer", "This is not in the expected format."),
    "date": pgettext_lazy("form answer", "Enter a valid date."),
    "email": pgettext_lazy("form answer", "Enter a valid e-mail address."),
    "integer": pgettext_lazy("form answer", "Enter a whole number."),
    "number": pgettext_lazy("form answer", "Enter a number."),
    "minimum": pgettext_lazy("form answer", "The value is less than {limit}."),
    "maximum": pgettext_lazy("form answer", "The value is more than {limit}."),
    "boolean": pgettext_lazy("form answer", "This value is not valid."),
}


class FormInvalid(SahlError):
    """Some answers are not acceptable; `errors` maps each field to its message (data in both
    languages, or code text in gettext)."""

    def __init__(self, errors: Mapping[str, Wording]) -> None:
        super().__init__("application.form_invalid")
        self.errors = dict(errors)


def _error(code: str, **params: object) -> Wording:
    return format_lazy(MESSAGES[code], **params) if params else MESSAGES[code]


def prefilled_values(schema: Mapping[str, Any], profile: Profile) -> dict[str, str]:
    """Answers Sahl fills in from the registers (never taken from the client)."""
    values = {
        "applicant.full_name": profile.name.ar,
        "applicant.civil_id": profile.civil_id,
        "applicant.governorate": profile.facts["governorate"],
    }
    return {
        name: values[prop["x-prefill"]]
        for name, prop in schema.get("properties", {}).items()
        if prop.get("x-prefill") in values
    }


def clean_form(
    schema: Mapping[str, Any], submitted: Mapping[str, Any], profile: Profile, *, partial: bool = False
) -> dict[str, Any]:
    """The answers as stored, or FormInvalid. Fields not in the schema are ignored; `partial`
    (a draft) lets required fields stay empty.

    What a form posts is text: it is first read as the kind each field holds (a number, a yes or
    no, a date), then jsonschema checks it against the service's schema, and each field's first
    problem becomes a message in both languages."""
    prefilled = prefilled_values(schema, profile)
    answers: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        if name in prefilled:
            continue
        raw = submitted.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if prop["type"] == "boolean" and not partial:
                answers[name] = False
            continue
        answers[name] = _read(prop, raw)
    records = {key: [choice.value for choice in choices] for key, choices in profile.choices.items()}
    checked = answers_schema(schema, records, skip=prefilled, partial=partial)
    problems = check_answers(checked, answers)
    if problems:
        properties = schema["properties"]
        raise FormInvalid({name: _message(properties[name], error) for name, error in problems.items()})
    return prefilled | {name: _stored(schema["properties"][name], value) for name, value in answers.items()}


def _read(prop: Mapping[str, Any], raw: Any) -> Any:
    """A posted value as the kind its field holds; what cannot be read is left as it came, for the
    schema's `type` to refuse."""
    kind = prop["type"]
    if kind == "boolean":
        return raw if isinstance(raw, bool) else _YES_NO.get(str(raw).lower(), raw)
    if kind in ("integer", "number"):
        if isinstance(raw, bool):
            return raw
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            return raw
        if not number.is_finite():
            return raw
        return int(number) if kind == "integer" and number == number.to_integral_value() else number
    value = str(raw).strip()
    if prop.get("format") == "date":
        try:  # the dates Python reads (2026-01-05, 20260105) are stored one way
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return value
    return value


_YES_NO = dict.fromkeys(("on", "true", "1", "yes"), True) | dict.fromkeys(("off", "false", "0", "no"), False)


def _stored(prop: Mapping[str, Any], value: Any) -> Any:
    # Numbers are stored exactly: integers as int, decimals as text (never a float).
    if prop["type"] == "number":
        return format(Decimal(value).normalize(), "f")
    return value


def _message(prop: Mapping[str, Any], error: ValidationError) -> Wording:
    """Sahl's message for what jsonschema found: its own English is never shown to anyone."""
    keyword = str(error.validator)
    if keyword == "type":
        return _error(prop["type"] if prop["type"] in ("boolean", "integer") else "number")
    if keyword == "format":
        return _error(str(error.validator_value))  # "date" or "email", the only formats allowed
    if keyword in _BOUNDS:
        return _error(_BOUNDS[keyword], limit=error.validator_value)
    return _error({"required": "required", "x-records": "choice", "enum": "enum"}.get(keyword, "pattern"))


_BOUNDS = {"maxLength": "too_long", "minLength": "too_short", "minimum": "minimum", "maximum": "maximum"}


# --- Files -----------------------------------------------------------------------------------

SIGNATURES = {
    "pdf": (b"%PDF-", "application/pdf"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
}
EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}

# The largest request bodies, refused before they are read (ui.body_limits): every document a service
# can ask for at its limit, or the one document of an answer, and 1 MB for the form's fields.
MB = 1024 * 1024
MAX_BODY = MAX_DOCUMENTS * DOCUMENT_MAX_MB * MB + MB
ANSWER_MAX_BODY = DOCUMENT_MAX_MB * MB + MB


@dataclass(frozen=True)
class FileKind:
    format: str
    content_type: str
    extension: str


class FileRefused(SahlError):
    """The file is not one of the accepted kinds, or is too large; nothing was stored."""


def sniff(head: bytes) -> str | None:
    """The format the first bytes show, whatever the file's name says."""
    for name, (signature, _) in SIGNATURES.items():
        if head.startswith(signature):
            return name
    return None


def check_file(head: bytes, size: int, document: RequiredDocument) -> FileKind:
    if size > document.max_size_mb * 1024 * 1024:
        raise FileRefused("file.too_large", limit=document.max_size_mb)
    if size == 0:
        raise FileRefused("file.empty")
    found = sniff(head)
    if found is None or found not in document.formats:
        raise FileRefused("file.wrong_type", formats=", ".join(f.upper() for f in document.formats))
    return FileKind(found, SIGNATURES[found][1], EXTENSIONS[found])
