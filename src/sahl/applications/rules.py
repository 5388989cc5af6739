"""Checking what a person sends: form answers against the service's schema, files by content."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sahl.catalogue.definition import RequiredDocument
from sahl.core.bilingual import BilingualText
from sahl.core.errors import SahlError
from sahl.registry.adapters import Profile
from sahl.registry.facts import CHOICE_KEYS

T = BilingualText
MESSAGES = {
    "required": T("هذا الحقل مطلوب.", "This field is required."),
    "choice": T("اختر من سجلاتك المسجلة باسمك.", "Choose one of the records registered in your name."),
    "enum": T("اختر أحد الخيارات المعروضة.", "Choose one of the options shown."),
    "too_long": T("النص أطول من {limit} حرفاً.", "The text is longer than {limit} characters."),
    "too_short": T("النص أقصر من {limit} أحرف.", "The text is shorter than {limit} characters."),
    "pattern": T("الصيغة غير صحيحة.", "This is not in the expected format."),
    "date": T("أدخل تاريخاً صحيحاً.", "Enter a valid date."),
    "email": T("أدخل بريداً إلكترونياً صحيحاً.", "Enter a valid e-mail address."),
    "integer": T("أدخل عدداً صحيحاً.", "Enter a whole number."),
    "number": T("أدخل رقماً.", "Enter a number."),
    "minimum": T("القيمة أقل من {limit}.", "The value is less than {limit}."),
    "maximum": T("القيمة أكبر من {limit}.", "The value is more than {limit}."),
    "boolean": T("القيمة غير صحيحة.", "This value is not valid."),
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class FormInvalid(SahlError):
    """Some answers are not acceptable; `errors` maps each field to its bilingual message."""

    def __init__(self, errors: dict[str, BilingualText]) -> None:
        super().__init__("application.form_invalid")
        self.errors = errors


def _error(code: str, **params: object) -> BilingualText:
    text = MESSAGES[code]
    return T(text.ar.format(**params), text.en.format(**params)) if params else text


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
    (a draft) lets required fields stay empty."""
    clean: dict[str, Any] = {}
    errors: dict[str, BilingualText] = {}
    required = set(schema.get("required", []))
    prefilled = prefilled_values(schema, profile)
    for name, prop in schema.get("properties", {}).items():
        if name in prefilled:
            clean[name] = prefilled[name]
            continue
        raw = submitted.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if prop["type"] == "boolean" and not partial:
                clean[name] = False
            elif name in required and not partial:
                errors[name] = _error("required")
            continue
        try:
            clean[name] = _clean_value(prop, raw, profile)
        except _Invalid as invalid:
            errors[name] = invalid.message
    if errors:
        raise FormInvalid(errors)
    return clean


class _Invalid(Exception):
    def __init__(self, message: BilingualText) -> None:
        self.message = message


def _clean_value(prop: Mapping[str, Any], raw: Any, profile: Profile) -> Any:
    kind = prop["type"]
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("on", "true", "1", "yes"):
            return True
        if str(raw).lower() in ("off", "false", "0", "no"):
            return False
        raise _Invalid(_error("boolean"))
    if kind in ("integer", "number"):
        return _clean_number(prop, raw)
    value = str(raw).strip()
    source = prop.get("x-prefill")
    if source in CHOICE_KEYS:
        if value not in {choice.value for choice in profile.choices.get(source, ())}:
            raise _Invalid(_error("choice"))
        return value
    if "enum" in prop and value not in [str(v) for v in prop["enum"]]:
        raise _Invalid(_error("enum"))
    if "maxLength" in prop and len(value) > prop["maxLength"]:
        raise _Invalid(_error("too_long", limit=prop["maxLength"]))
    if "minLength" in prop and len(value) < prop["minLength"]:
        raise _Invalid(_error("too_short", limit=prop["minLength"]))
    if "pattern" in prop and not re.search(prop["pattern"], value):
        raise _Invalid(_error("pattern"))
    if prop.get("format") == "date":
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise _Invalid(_error("date")) from None
    if prop.get("format") == "email" and not _EMAIL.match(value):
        raise _Invalid(_error("email"))
    return value


def _clean_number(prop: Mapping[str, Any], raw: Any) -> int | str:
    if isinstance(raw, bool):
        raise _Invalid(_error("number"))
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise _Invalid(_error("integer" if prop["type"] == "integer" else "number")) from None
    if not number.is_finite():
        raise _Invalid(_error("number"))
    if prop["type"] == "integer" and number != number.to_integral_value():
        raise _Invalid(_error("integer"))
    if "minimum" in prop and number < Decimal(str(prop["minimum"])):
        raise _Invalid(_error("minimum", limit=prop["minimum"]))
    if "maximum" in prop and number > Decimal(str(prop["maximum"])):
        raise _Invalid(_error("maximum", limit=prop["maximum"]))
    # Numbers are stored exactly: integers as int, decimals as text (never a float).
    return int(number) if prop["type"] == "integer" else format(number.normalize(), "f")


# --- Files -----------------------------------------------------------------------------------

SIGNATURES = {
    "pdf": (b"%PDF-", "application/pdf"),
    "jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
}
EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}


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
