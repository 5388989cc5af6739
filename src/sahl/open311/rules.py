"""The pure part of Open311 GeoReport v2: the jurisdiction, the language of an answer, the query's
dates and statuses, and the service definitions' attributes (what a client may send, checked).
Every refusal is an `Open311Error`: the HTTP status and the description the spec's error format
carries, in Arabic and English."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.functional import Promise

from sahl.complaints import media
from sahl.complaints import rules as complaint_rules
from sahl.core.bilingual import BilingualText
from sahl.core.languages import in_language
from sahl.open311 import descriptions

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
JURISDICTION = "sahl.gov.kw"  # the only one this endpoint serves
KUWAIT = ZoneInfo("Asia/Kuwait")
MAX_SPAN = dt.timedelta(days=90)  # "may not span more than 90 days"; also the default window
MAX_REQUESTS = 1000  # "first 1000 requests returned"
MAX_IDS = 1000
STATUSES = ("open", "closed")
OPEN_STATES = complaint_rules.OPEN  # received, acknowledged, waiting for the reporter
CLOSED_STATES = ("resolved", "closed")
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
STRING_MAX = 200
TEXT_MAX = 1000


class Open311Error(Exception):
    """A request that cannot be fulfilled; answered as `[{"code": status, "description": ...}]`."""

    def __init__(self, status: int, text: Promise, **params: object) -> None:
        super().__init__(in_language(text, "en"))
        self.status = status
        self.text = text
        self.params = params

    def description(self, language: str) -> str:
        """The description in `language`; a parameter in both languages (a question) takes it too."""
        text = in_language(self.text, language)
        if not self.params:
            return text
        return text.format(
            **{
                name: in_language(value, language) if isinstance(value, BilingualText) else value
                for name, value in self.params.items()
            }
        )


# --- Jurisdiction and language ------------------------------------------------------------------


def check_jurisdiction(given: str | None) -> None:
    """Optional (one jurisdiction); anything but ours does not exist here."""
    if given and given.strip() and given.strip().lower() != JURISDICTION:
        raise Open311Error(
            404, descriptions.JURISDICTION_UNKNOWN, given=given.strip()[:100], ours=JURISDICTION
        )


def language(accept_language: str) -> str:
    """ "ar" when the client prefers Arabic (Accept-Language), else English, which the spec's
    machines expect."""
    best, best_q = "en", -1.0
    for part in accept_language.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        q = 1.0
        match = re.search(r"q=([0-9.]+)", params)
        if match:
            try:
                q = float(match.group(1))
            except ValueError:
                q = 0.0
        tag = tag.strip().lower()
        if tag[:2] in ("ar", "en") and q > best_q:
            best, best_q = tag[:2], q
    return best


# --- Dates --------------------------------------------------------------------------------------

_W3 = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?)?)?",
    re.ASCII | re.IGNORECASE,
)


def parse_w3(value: str, field: str) -> dt.datetime:
    """A W3C date-time (the spec's "w3 format"): 2026-01-01T00:00:00Z, with an offset, or a
    date alone (midnight in Kuwait). Without an offset the time is Kuwait's."""
    match = _W3.fullmatch(value.strip())
    if match is None:
        raise Open311Error(400, descriptions.DATE_INVALID, field=field)
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        when = dt.datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        raise Open311Error(400, descriptions.DATE_INVALID, field=field) from None
    if not zone:
        return when.replace(tzinfo=KUWAIT)
    if zone.upper() == "Z":
        return when.replace(tzinfo=dt.UTC)
    digits = zone.replace(":", "")
    offset = dt.timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5]))
    if offset > dt.timedelta(hours=14):
        raise Open311Error(400, descriptions.DATE_INVALID, field=field)
    return when.replace(tzinfo=dt.timezone(offset if digits[0] == "+" else -offset))


def date_range(start: str, end: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The requested_datetime window: at most 90 days; the most recent 90 days by default."""
    since = parse_w3(start, "start_date") if start.strip() else None
    until = parse_w3(end, "end_date") if end.strip() else None
    if since is None and until is None:
        return now - MAX_SPAN, now
    if since is None:
        assert until is not None
        return until - MAX_SPAN, until
    if until is None:
        return since, since + MAX_SPAN
    if until < since:
        raise Open311Error(400, descriptions.DATE_ORDER)
    if until - since > MAX_SPAN:
        raise Open311Error(400, descriptions.DATE_SPAN)
    return since, until


def w3(when: dt.datetime | None) -> str | None:
    """A timestamp as the spec writes it, in Kuwait time: 2026-12-01T10:46:31+03:00."""
    return when.astimezone(KUWAIT).isoformat(timespec="seconds") if when is not None else None


def end_of_day(day: dt.date | None) -> str | None:
    """A due date as the moment it ends in Kuwait (the deadline is the whole working day)."""
    if day is None:
        return None
    return w3(dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=KUWAIT))


# --- Query values -------------------------------------------------------------------------------


def comma_list(value: str, limit: int = MAX_IDS) -> list[str]:
    """Comma-delimited values, trimmed, without empties or repeats (order kept)."""
    items = list(dict.fromkeys(item.strip() for item in value.split(",") if item.strip()))
    if len(items) > limit:
        raise Open311Error(400, descriptions.TOO_MANY_VALUES, limit=limit)
    return items


def states_for(statuses: Sequence[str]) -> tuple[str, ...]:
    """The complaint states that answer a status filter (open, closed or both)."""
    wanted = [s.lower() for s in statuses]
    if any(s not in STATUSES for s in wanted):
        raise Open311Error(400, descriptions.STATUS_INVALID)
    return (OPEN_STATES if "open" in wanted else ()) + (CLOSED_STATES if "closed" in wanted else ())


def status_of(state: str) -> str:
    """open: it has been reported (and is being handled); closed: it has been resolved."""
    return "open" if state in OPEN_STATES else "closed"


def positive(value: str, field: str, default: int, maximum: int) -> int:
    """page and page_size (the spec's most implemented extension)."""
    if not value.strip():
        return default
    if not value.strip().isdigit() or not 1 <= int(value) <= maximum:
        raise Open311Error(400, descriptions.PAGE_INVALID, field=field, maximum=maximum)
    return int(value)


# --- Service definitions: attributes ------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    key: str
    name: BilingualText


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    required: bool
    description: BilingualText
    values: tuple[Value, ...] = ()
    datatype_description: BilingualText | None = None
    variable: bool = True

    def value(self, key: str) -> Value | None:
        return next((v for v in self.values if v.key == key), None)


def attribute_from(data: Mapping[str, Any]) -> Attribute:
    """One attribute of definitions/attributes.yaml, checked."""
    code = str(data["code"])
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", code):
        raise ValueError(f"attribute code {code!r}: lower-case letters, digits and _")
    datatype = str(data.get("datatype", "singlevaluelist" if data.get("values") else "string"))
    if datatype not in DATATYPES:
        raise ValueError(f"attribute {code}: unknown datatype {datatype}")
    values = tuple(
        Value(str(v["key"]), BilingualText.from_dict(v["name"])) for v in data.get("values", ()) or ()
    )
    if (datatype in ("singlevaluelist", "multivaluelist")) != bool(values):
        raise ValueError(f"attribute {code}: values go with the list datatypes, and only with them")
    note = data.get("datatype_description")
    return Attribute(
        code=code,
        datatype=datatype,
        required=bool(data.get("required", False)),
        description=BilingualText.from_dict(data["description"]),
        values=values,
        datatype_description=BilingualText.from_dict(note) if note else None,
        variable=bool(data.get("variable", True)),
    )


_ATTRIBUTE_KEY = re.compile(r"attribute\[([^\]\[]{1,60})\](\[\])?")


def attribute_answers(form: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """attribute[code]=value and attribute[code][]=value (multivaluelist) from a posted form."""
    answers: dict[str, list[str]] = {}
    for key, values in form.items():
        match = _ATTRIBUTE_KEY.fullmatch(key)
        if match:
            kept = [v.strip() for v in values if v.strip()]
            if kept:
                answers.setdefault(match.group(1), []).extend(kept)
    return answers


@dataclass(frozen=True)
class Answer:
    attribute: Attribute
    text: BilingualText  # what the agency reads: the chosen values' names, or the text as given


def check_answers(
    service_code: str, attributes: Sequence[Attribute], given: Mapping[str, Sequence[str]]
) -> list[Answer]:
    """The answers to a service's attributes, in the definition's order; a missing required one,
    an unknown code, a value not on the list or one too long is refused."""
    by_code = {a.code: a for a in attributes}
    for code in given:
        if code not in by_code:
            raise Open311Error(400, descriptions.ATTRIBUTE_UNKNOWN, code=code[:60], service=service_code)
    answers = []
    for attribute in attributes:
        values = list(given.get(attribute.code, ()))
        if not values:
            if attribute.required:
                raise Open311Error(
                    400,
                    descriptions.ATTRIBUTE_REQUIRED,
                    code=attribute.code,
                    service=service_code,
                    question=attribute.description,
                )
            continue
        answers.append(Answer(attribute, _answer(attribute, values)))
    return answers


def _answer(attribute: Attribute, values: list[str]) -> BilingualText:
    code = attribute.code
    if attribute.datatype != "multivaluelist" and len(values) > 1:
        raise Open311Error(400, descriptions.ATTRIBUTE_ONE_VALUE, code=code)
    if attribute.datatype in ("singlevaluelist", "multivaluelist"):
        chosen = [attribute.value(v) for v in values]
        if any(c is None for c in chosen):
            keys = ", ".join(v.key for v in attribute.values)
            raise Open311Error(400, descriptions.ATTRIBUTE_VALUE, code=code, keys=keys)
        names = [c.name for c in chosen if c is not None]
        return BilingualText("، ".join(n.ar for n in names), ", ".join(n.en for n in names))
    value = values[0]
    if attribute.datatype == "number":
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise Open311Error(400, descriptions.ATTRIBUTE_NUMBER, code=code)
    elif attribute.datatype == "datetime":
        parse_w3(value, f"attribute[{code}]")
    limit = TEXT_MAX if attribute.datatype == "text" else STRING_MAX
    if len(value) > limit:
        raise Open311Error(400, descriptions.ATTRIBUTE_TOO_LONG, code=code, limit=limit)
    if attribute.datatype != "text" and ("\n" in value or "\r" in value):
        raise Open311Error(400, descriptions.ATTRIBUTE_ONE_LINE, code=code)
    return BilingualText(value, value)


def with_answers(description: str, answers: Sequence[Answer]) -> str:
    """The description the agency reads: the client's text, then each answer on its own line
    with the question in both languages."""
    lines = [f"{a.attribute.description.ar} / {a.attribute.description.en}: {_both(a.text)}" for a in answers]
    return "\n\n".join([description.strip(), "\n".join(lines)]) if lines else description.strip()


def _both(text: BilingualText) -> str:
    return text.en if text.ar == text.en else f"{text.ar} / {text.en}"


# --- XML ----------------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Text without the characters XML 1.0 cannot carry at all (escaping is the writer's job)."""
    return _NOT_XML.sub("", text)


# --- Sizes ----------------------------------------------------------------------------------------

MB = media.MB
MAX_MEDIA = complaint_rules.MAX_PHOTOS  # photos in one request: as many as a complaint holds
MAX_BODY = MAX_MEDIA * media.PHOTO_MAX_BYTES + MB  # that many photos at their limit, and the fields
