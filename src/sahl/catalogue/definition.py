"""A service definition: parsed and validated from one YAML file, before anything is stored.

Every check names the field and the reason, so a bad file can be fixed without reading code.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _  # marked here, translated where shown

from sahl.catalogue.rules import Refusal, Rule, RuleError, Term, check_refusal, check_rule
from sahl.core import effects as vocabulary
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput
from sahl.core.money import Money
from sahl.registry.facts import CHOICE_KEYS, EXAMPLE, VALUE_SOURCES

AUDIENCES = ("individual", "business")
PROCESSING_MODES = ("automatic", "backoffice", "agency_api")
DOCUMENT_FORMATS = ("pdf", "jpeg", "png")
# The most an application carries: its request body is limited to that (applications.rules.MAX_BODY).
DOCUMENT_MAX_MB = 10  # one document
MAX_DOCUMENTS = 10  # documents a service asks for
PARTY_ROLES = [
    "applicant",
    "subject",
    "buyer",
    "seller",
    "mother",
    "father",
    "spouse",
    "guardian",
    "attorney",
    "heir",
    "witness",
    "employer",
    "worker",
    "sponsor",
    "partner",
    "tenant",
    "landlord",
    "owner",
]
PROPERTY_TYPES = ("string", "integer", "number", "boolean")
STRING_FORMATS = ("date", "email")
TOP_LEVEL = {
    "code",
    "agency",
    "name",
    "description",
    "audience",
    "category",
    "fee",
    "service_level",
    "processing",
    "popular",
    "keywords",
    "eligibility",
    "form",
    "required_documents",
    "outputs",
    "parties",
    "effects",
    "fee_exemptions",
    "delivery",
}
_CODE = re.compile(r"^[a-z][a-z0-9]*\.[a-z0-9]+(-[a-z0-9]+)*$")
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_DURATION = re.compile(r"^P(?=\d)(\d+Y)?(\d+M)?(\d+D)?$")
# How an approved result (a card, a passport) reaches the person: collected at a place (a kiosk,
# a service centre) or brought by courier to the registered address.
DELIVERY_KINDS = ("collect", "courier")
DELIVERY_MAX_WORKING_DAYS = 60
T = TypeVar("T")


class DefinitionError(ValueError):
    """One problem in a definition: whose it is (`subject`, the service's or agency's code), where
    (`field`, its path in the file) and why (`reason`), in the integrator's words.

    The reason is an English message with %(name)s fields (`msgid`, `params`): `text(language)`
    tells it in Arabic or English, the loading command prints it in English."""

    def __init__(self, source: str, field: str, reason: str, subject: str = "", **params: object) -> None:
        self.source, self.field, self.subject = source, field, subject or source
        self.msgid, self.params = reason, params
        super().__init__(str(self))

    @property
    def reason(self) -> str:
        return self.msgid % self.params if self.params else self.msgid

    @property
    def problems(self) -> list[DefinitionError]:
        return [self]

    def text(self, language: str) -> str:
        with translation.override(language):
            told = gettext(self.msgid)
            if not self.params:
                return told
            return told % {k: gettext(v) if isinstance(v, Term) else v for k, v in self.params.items()}

    def __str__(self) -> str:
        where = f"{self.subject}: {self.field}: {self.reason}"
        return where if self.subject == self.source else f"{where} ({self.source})"


class DefinitionErrors(DefinitionError):
    """Every problem found in one or more files, reported at once; it reads as its first."""

    def __init__(self, problems: list[DefinitionError]) -> None:
        self.all = problems
        first = problems[0]
        super().__init__(first.source, first.field, first.msgid, first.subject, **first.params)

    @property
    def problems(self) -> list[DefinitionError]:
        return self.all

    def __str__(self) -> str:
        if not hasattr(self, "all"):
            return super().__str__()
        lines = [DefinitionError.__str__(p) for p in self.all]
        if len(lines) == 1:
            return lines[0]
        return f"{len(lines)} problems:\n" + "\n".join(f"  {line}" for line in lines)


class Problems:
    """Collects the problems of a check so that one run reports them all (`attempt` keeps going
    past a problem; `raise_any` raises them together)."""

    def __init__(self) -> None:
        self.found: list[DefinitionError] = []

    def attempt(self, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except DefinitionError as problem:
            self.found.extend(problem.problems)
            return None

    def raise_any(self) -> None:
        if self.found:
            raise DefinitionErrors(self.found)


@dataclass(frozen=True)
class RequiredWhen:
    """A document required by an answer: when the form's choice `field` holds one of `values` (the
    proof of a payment made by bank transfer). The titles are kept to tell the person why."""

    field: str
    values: tuple[str, ...]
    field_title: BilingualText
    choices: tuple[tuple[str, BilingualText], ...]  # each value's title, in the enum's order

    def title_of(self, value: str) -> BilingualText:
        return next(title for choice, title in self.choices if choice == value)

    @property
    def chosen_titles(self) -> BilingualText:
        """The titles of the values that require the document, quoted and joined by "or" in each
        language ("“Bank transfer” or “Certified bank cheque”")."""
        titles = [title for choice, title in self.choices if choice in self.values]
        return BilingualText(
            " أو ".join(f"«{t.ar}»" for t in titles), " or ".join(f"“{t.en}”" for t in titles)
        )


@dataclass(frozen=True)
class RequiredDocument:
    code: str
    name: BilingualText
    formats: tuple[str, ...]
    max_size_mb: int
    required: bool  # always; else optional, unless `required_when` an answer asks for it
    required_when: RequiredWhen | None = None

    def required_by(self, answers: Mapping[str, Any]) -> str | None:
        """The answer that requires this (optional) document, or None."""
        when = self.required_when
        if when is None:
            return None
        chosen = str(answers.get(when.field, ""))
        return chosen if chosen in when.values else None


@dataclass(frozen=True)
class Output:
    document: str
    valid_for: str | None
    holder: str | None = None  # a party role; by default the subject of the application


@dataclass(frozen=True)
class Party:
    """A person on the case: the applicant in a role (`is_applicant`, e.g. the seller), someone the
    form names by civil ID (`civil_id_field`, e.g. the buyer), or, with neither, someone who takes
    part outside Sahl (shown on the service page, not tracked)."""

    role: str
    name: BilingualText
    consent_required: bool
    civil_id_field: str | None = None
    is_applicant: bool = False


@dataclass(frozen=True)
class DeliveryMethod:
    """One way the result reaches the person, for one value of the form's choice (e.g. kiosk).
    `working_days` after the approval: ready from then (collect), or expected by then (courier)."""

    value: str
    kind: str  # one of DELIVERY_KINDS
    working_days: int
    place: BilingualText | None = None  # collect: where, as a sentence names it ("a PACI kiosk")
    governorate_field: str | None = None  # collect: the form field naming the place's governorate


@dataclass(frozen=True)
class Delivery:
    """How the result arrives, by the person's answer in `field` (values without a method, such as
    the wallet, need no trip)."""

    field: str
    methods: tuple[DeliveryMethod, ...]

    def method_for(self, answers: dict[str, Any]) -> DeliveryMethod | None:
        chosen = str(answers.get(self.field, ""))
        return next((m for m in self.methods if m.value == chosen), None)


@dataclass(frozen=True)
class ServiceDefinition:
    code: str
    agency: str
    name: BilingualText
    description: BilingualText
    audience: tuple[str, ...]
    category: str
    fee: Money
    fee_exemptions: tuple[Rule, ...]  # any that holds makes the fee nil, with its reason
    working_days: int
    processing: str
    popular: bool
    keywords: BilingualText | None
    eligibility: tuple[Rule, ...]
    form: dict[str, Any]
    required_documents: tuple[RequiredDocument, ...]
    outputs: tuple[Output, ...]
    parties: tuple[Party, ...]
    effects: tuple[str, ...]
    delivery: Delivery | None  # how an approved result reaches the person, if it is a thing to fetch
    raw: dict[str, Any]

    @property
    def digest(self) -> str:
        """A fingerprint of the content: a new digest means a new published version."""
        return digest_of(self.raw)


def digest_of(raw: Any) -> str:
    """The fingerprint of a definition's content, whatever its layout or comments."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_publishable(definition: ServiceDefinition, source: str) -> None:
    """What a definition must meet to be published now, beyond what every stored version met when
    it was (old versions are read again and must stay readable): an output that certifies what an
    effect of the service makes or renews is valid as long as that record, so it names no
    `valid_for` of its own (a power of attorney ends with the mandate, a renewed card with the
    register's new expiry)."""
    known = vocabulary.known()
    certified = {known[name].certifies for name in definition.effects if known[name].certifies}
    problems = Problems()
    for i, output in enumerate(definition.outputs):
        if output.document in certified and output.valid_for is not None:
            problems.found.append(
                DefinitionError(
                    source,
                    f"outputs[{i}].valid_for",
                    _(
                        "remove it: a %(document)s is valid as long as the record the service's "
                        "effect makes or renews"
                    ),
                    definition.code,
                    document=output.document,
                )
            )
    problems.raise_any()


def parse_definition(
    data: Any, *, source: str, agencies: set[str], categories: set[str], slug: str | None = None
) -> ServiceDefinition:
    """Validate one definition; raise DefinitionErrors naming every problem found (each part of
    the file is checked even when another is wrong)."""
    if not isinstance(data, dict):
        raise DefinitionErrors([DefinitionError(source, "(file)", _("must be a mapping of fields"))])
    raw_code = data.get("code")
    p = _Parser(source, raw_code.strip() if isinstance(raw_code, str) else "")
    found = p.problems
    for name in sorted(set(data) - TOP_LEVEL):
        found.found.append(p.error(name, _("unknown field")))
    code = found.attempt(lambda: p.code(data, agencies, slug)) or ""
    agency = found.attempt(lambda: p.agency(data, agencies)) or ""
    category = found.attempt(lambda: p.category(data, categories)) or ""
    audience = found.attempt(lambda: p.audience(data)) or ()
    processing = found.attempt(lambda: p.choice(data, "processing", PROCESSING_MODES)) or ""
    popular = found.attempt(lambda: p.flag(data, "popular"))
    parts = {
        "name": lambda: p.bilingual(data, "name", max_length=120),
        "description": lambda: p.bilingual(data, "description", min_length=20, max_length=600),
        "fee": lambda: p.fee(data),
        "fee_exemptions": lambda: p.rules(data, "fee_exemptions", required=False),
        "working_days": lambda: p.working_days(data, processing),
        "keywords": lambda: p.keywords(data),
        "eligibility": lambda: p.eligibility(data),
        "form": lambda: p.form(data),
        "required_documents": lambda: p.documents(data),
        "outputs": lambda: p.outputs(data),
        "parties": lambda: p.parties(data),
        "effects": lambda: p.effects(data),
        "delivery": lambda: p.delivery(data),
    }
    values: dict[str, Any] = {name: found.attempt(check) for name, check in parts.items()}
    found.raise_any()
    return ServiceDefinition(
        code=code,
        agency=agency,
        audience=tuple(audience),
        category=category,
        processing=processing,
        popular=bool(popular),
        raw=data,
        **values,
    )


class _Parser:
    """The checks of one file's parts. A part with several items (rules, form fields, documents)
    checks each and raises their problems together."""

    def __init__(self, source: str, subject: str) -> None:
        self.source, self.subject = source, subject
        self.problems = Problems()

    def error(self, field: str, reason: str, **params: object) -> DefinitionError:
        return DefinitionError(self.source, field, reason, self.subject, **params)

    def each(self, items: list[Any], check: Callable[[int, Any], T]) -> list[T]:
        """`check` of every item, all items checked even when one is wrong."""
        problems = Problems()
        checked = [problems.attempt(partial(check, i, item)) for i, item in enumerate(items)]
        problems.raise_any()
        return [item for item in checked if item is not None]

    def string(self, data: dict[str, Any], field: str, where: str = "") -> str:
        value = data.get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.error(where + field, _("is required and must be text"))
        return value.strip()

    def list(self, data: dict[str, Any], field: str, min_items: int = 0, where: str = "") -> list[Any]:
        value = data.get(field)
        if not isinstance(value, list):
            raise self.error(where + field, _("is required and must be a list"))
        if len(value) < min_items:
            raise self.error(where + field, _("needs at least %(count)s item(s)"), count=min_items)
        return value

    def code(self, data: dict[str, Any], agencies: set[str], slug: str | None) -> str:
        code = self.string(data, "code")
        if not _CODE.match(code):
            raise self.error("code", _("must look like '<agency>.<slug>' in lower case with hyphens"))
        agency = data.get("agency")
        if agency in agencies and code.split(".")[0] != agency:
            raise self.error("code", _("must start with the agency code '%(agency)s.'"), agency=agency)
        if slug is not None and code.split(".", 1)[1] != slug:
            raise self.error("code", _("must end with the file name '%(slug)s'"), slug=slug)
        return code

    def agency(self, data: dict[str, Any], agencies: set[str]) -> str:
        agency = self.string(data, "agency")
        if agency not in agencies:
            raise self.error("agency", _("unknown agency '%(agency)s'"), agency=agency)
        return agency

    def category(self, data: dict[str, Any], categories: set[str]) -> str:
        category = self.string(data, "category")
        if category not in categories:
            raise self.error("category", _("unknown category '%(category)s'"), category=category)
        return category

    def audience(self, data: dict[str, Any]) -> tuple[str, ...]:
        audience = self.list(data, "audience", min_items=1)
        for item in audience:
            if item not in AUDIENCES:
                raise self.error(
                    "audience",
                    _("'%(value)s' is not one of %(allowed)s"),
                    value=item,
                    allowed=", ".join(AUDIENCES),
                )
        if len(set(audience)) != len(audience):
            raise self.error("audience", _("has a repeated value"))
        return tuple(audience)

    def choice(self, data: dict[str, Any], field: str, allowed: tuple[str, ...]) -> str:
        value = self.string(data, field)
        if value not in allowed:
            raise self.error(field, _("must be one of %(allowed)s"), allowed=", ".join(allowed))
        return value

    def flag(self, data: dict[str, Any], field: str) -> bool:
        value = data.get(field, False)
        if not isinstance(value, bool):
            raise self.error(field, _("must be true or false"))
        return value

    def bilingual(
        self, data: dict[str, Any], field: str, where: str = "", min_length: int = 1, max_length: int = 2000
    ) -> BilingualText:
        value = data.get(field)
        if not isinstance(value, dict):
            raise self.error(where + field, _("is required, with its text in Arabic (ar) and English (en)"))
        unknown = sorted(set(value) - {"ar", "en"})
        if unknown:
            raise self.error(f"{where}{field}.{unknown[0]}", _("unknown language: only ar and en"))
        for lang in ("ar", "en"):
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                language = Term(_("Arabic")) if lang == "ar" else Term(_("English"))
                raise self.error(
                    f"{where}{field}.{lang}", _("the %(language)s text is missing"), language=language
                )
        text = BilingualText.from_dict(value)
        for lang in ("ar", "en"):
            if not min_length <= len(getattr(text, lang)) <= max_length:
                raise self.error(
                    f"{where}{field}.{lang}",
                    _("must be %(min)s to %(max)s characters"),
                    min=min_length,
                    max=max_length,
                )
        if not re.search("[\u0600-\u06ff]", text.ar):
            raise self.error(f"{where}{field}.ar", _("must be written in Arabic"))
        return text

    def fee(self, data: dict[str, Any]) -> Money:
        fee = data.get("fee")
        if not isinstance(fee, dict) or set(fee) != {"amount", "currency"}:
            raise self.error("fee", _('must be {amount: "10.000", currency: KWD}'))
        if not isinstance(fee["amount"], str):
            raise self.error("fee.amount", _('must be quoted text with three decimals, e.g. "5.000"'))
        try:
            return Money.parse(fee["amount"], str(fee["currency"]))
        except BadInput:
            raise self.error(
                "fee", _("amount must have exactly three decimals and currency must be KWD")
            ) from None

    def working_days(self, data: dict[str, Any], processing: str) -> int:
        level = data.get("service_level")
        days = level.get("working_days") if isinstance(level, dict) else None
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365:
            raise self.error("service_level.working_days", _("must be a whole number from 0 to 365"))
        if days == 0 and processing in PROCESSING_MODES and processing != "automatic":
            raise self.error("service_level.working_days", _("can be 0 only for automatic processing"))
        return days

    def keywords(self, data: dict[str, Any]) -> BilingualText | None:
        value = data.get("keywords")
        if value is None:
            return None
        if not isinstance(value, dict) or set(value) - {"ar", "en"}:
            raise self.error("keywords", _("must be {ar: [...], en: [...]}"))
        words: dict[str, str] = {}
        for lang in ("ar", "en"):
            items = value.get(lang, [])
            if not isinstance(items, list) or not all(isinstance(w, str) and w.strip() for w in items):
                raise self.error(f"keywords.{lang}", _("must be a list of words"))
            words[lang] = " ".join(items) or "-"
        return BilingualText(**words)

    def eligibility(self, data: dict[str, Any]) -> tuple[Rule, ...]:
        return self.rules(data, "eligibility", refusals=True)

    def rules(
        self, data: dict[str, Any], field: str, required: bool = True, refusals: bool = False
    ) -> tuple[Rule, ...]:
        """Rules with a bilingual reason each (eligibility, fee exemptions); an eligibility rule may
        say how its refusal is told with the person's figures (`refusal`, catalogue.rules.Refusal)."""
        if not required and field not in data:
            return ()
        keys = {"rule", "reason"}
        allowed = keys | {"refusal"} if refusals else keys

        def one(i: int, item: Any) -> Rule:
            where = f"{field}[{i}]."
            if not isinstance(item, dict) or not keys <= set(item) <= allowed:
                if refusals:
                    raise self.error(
                        f"{field}[{i}]", _("must have exactly 'rule' and 'reason' (and optionally 'refusal')")
                    )
                raise self.error(f"{field}[{i}]", _("must have exactly 'rule' and 'reason'"))
            source = self.string(item, "rule", where)
            try:
                check_rule(source, EXAMPLE)
            except RuleError as exc:
                raise self.error(where + "rule", exc.msgid, **exc.params) from None
            refusal = self.refusal(item["refusal"], where) if "refusal" in item else None
            return Rule(source, self.bilingual(item, "reason", where), refusal)

        return tuple(self.each(self.list(data, field), one))

    def refusal(self, value: Any, where: str) -> Refusal:
        """`{kind: unpaid_fines, service: <code>}` or `{kind: too_early, days_left: applicant.<...>,
        window_days: N}`."""
        allowed = {"kind", "service", "days_left", "window_days"}
        if not isinstance(value, dict) or not set(value) <= allowed or "kind" not in value:
            raise self.error(
                where + "refusal", _("must be a mapping of %(keys)s"), keys=", ".join(sorted(allowed))
            )
        window = value.get("window_days", 0)
        refusal = Refusal(
            str(value["kind"]),
            str(value.get("service", "")),
            str(value.get("days_left", "")),
            window if isinstance(window, int) and not isinstance(window, bool) else -1,
        )
        try:
            check_refusal(refusal, EXAMPLE)
        except RuleError as exc:
            raise self.error(where + "refusal", exc.msgid, **exc.params) from None
        return refusal

    def form(self, data: dict[str, Any]) -> dict[str, Any]:
        form = data.get("form")
        if not isinstance(form, dict) or set(form) - {"properties", "required"}:
            raise self.error("form", _("must have 'properties' and optionally 'required'"))
        properties = form.get("properties")
        if not isinstance(properties, dict):
            raise self.error("form.properties", _("must be a mapping of field names"))
        problems = Problems()
        for name, prop in properties.items():
            problems.attempt(partial(self.form_property, str(name), prop))
        required = form.get("required", [])
        if not isinstance(required, list) or not all(r in properties for r in required):
            problems.found.append(
                self.error("form.required", _("must list names of fields in form.properties"))
            )
        problems.raise_any()
        return form

    def form_property(self, name: str, prop: Any) -> None:
        where = f"form.properties.{name}"
        if not _SNAKE.match(name):
            raise self.error(where, _("field names are snake_case"))
        if not isinstance(prop, dict):
            raise self.error(where, _("must be a mapping"))
        allowed = {
            "type",
            "title",
            "description",
            "format",
            "maxLength",
            "minLength",
            "pattern",
            "enum",
            "x-enum-titles",
            "minimum",
            "maximum",
            "x-prefill",
        }
        unknown = set(prop) - allowed
        if unknown:
            raise self.error(f"{where}.{sorted(unknown)[0]}", _("unknown keyword"))
        kind = prop.get("type")
        if kind not in PROPERTY_TYPES:
            raise self.error(
                f"{where}.type", _("must be one of %(allowed)s"), allowed=", ".join(PROPERTY_TYPES)
            )
        self.bilingual(prop, "title", where + ".", max_length=120)
        if "description" in prop:
            self.bilingual(prop, "description", where + ".")
        prefill = prop.get("x-prefill")
        if prefill is not None and prefill not in CHOICE_KEYS and prefill not in VALUE_SOURCES:
            raise self.error(f"{where}.x-prefill", _("unknown source '%(prefill)s'"), prefill=prefill)
        if "format" in prop and prop["format"] not in STRING_FORMATS:
            raise self.error(
                f"{where}.format", _("must be one of %(allowed)s"), allowed=", ".join(STRING_FORMATS)
            )
        if "pattern" in prop:
            try:
                re.compile(prop["pattern"])
            except (re.error, TypeError):
                raise self.error(f"{where}.pattern", _("is not a valid regular expression")) from None
        if "enum" in prop:
            values = prop["enum"]
            titles = prop.get("x-enum-titles")
            if not isinstance(values, list) or not values or len(set(map(str, values))) != len(values):
                raise self.error(f"{where}.enum", _("must be a non-empty list of distinct values"))
            if not isinstance(titles, dict) or {str(v) for v in titles} != {str(v) for v in values}:
                raise self.error(
                    f"{where}.x-enum-titles", _("must give a bilingual title for every enum value")
                )
            # Titles are looked up by the value as text: JSON storage turns number keys into text.
            titles_by_text = {str(key): title for key, title in titles.items()}
            for value in values:
                self.bilingual(titles_by_text, str(value), f"{where}.x-enum-titles.")
        if kind == "string" and not ({"maxLength", "enum", "x-prefill", "format"} & set(prop)):
            raise self.error(where, _("a text field needs maxLength, enum, format or x-prefill"))
        for bound in ("maxLength", "minLength"):
            if bound in prop and (not isinstance(prop[bound], int) or prop[bound] < 0 or kind != "string"):
                raise self.error(f"{where}.{bound}", _("must be a whole number on a string field"))
        for bound in ("minimum", "maximum"):
            if bound in prop and (
                kind not in ("integer", "number") or not isinstance(prop[bound], int | float)
            ):
                raise self.error(f"{where}.{bound}", _("must be a number on a numeric field"))

    def documents(self, data: dict[str, Any]) -> tuple[RequiredDocument, ...]:
        seen: set[str] = set()
        items = self.list(data, "required_documents")
        if len(items) > MAX_DOCUMENTS:
            raise self.error("required_documents", _("has at most %(count)s documents"), count=MAX_DOCUMENTS)

        def one(i: int, item: Any) -> RequiredDocument:
            where = f"required_documents[{i}]."
            if not isinstance(item, dict) or set(item) - {
                "code",
                "name",
                "formats",
                "max_size_mb",
                "required",
                "required_when",
            }:
                raise self.error(f"required_documents[{i}]", _("has unknown or missing keys"))
            code = self.string(item, "code", where)
            if not _SNAKE.match(code) or code in seen:
                raise self.error(where + "code", _("must be snake_case and unique"))
            seen.add(code)
            formats = self.list(item, "formats", min_items=1, where=where)
            if not all(f in DOCUMENT_FORMATS for f in formats):
                raise self.error(
                    where + "formats", _("must be among %(allowed)s"), allowed=", ".join(DOCUMENT_FORMATS)
                )
            size = item.get("max_size_mb")
            if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= DOCUMENT_MAX_MB:
                raise self.error(
                    where + "max_size_mb", _("must be a whole number from 1 to %(max)s"), max=DOCUMENT_MAX_MB
                )
            required = item.get("required", True)
            if not isinstance(required, bool):
                raise self.error(where + "required", _("must be true or false"))
            when = self.required_when(data, item, where)
            if when is not None and required:
                raise self.error(where + "required", _("must be false beside required_when"))
            return RequiredDocument(
                code, self.bilingual(item, "name", where), tuple(formats), size, required, when
            )

        return tuple(self.each(items, one))

    def required_when(self, data: dict[str, Any], item: dict[str, Any], where: str) -> RequiredWhen | None:
        """`required_when: {payment_method: [bank_transfer]}`: required when the answer to one choice
        field of the form (an enum) is one of the values listed."""
        if "required_when" not in item:
            return None
        where += "required_when"
        value = item["required_when"]
        if not isinstance(value, dict) or len(value) != 1:
            raise self.error(where, _("must name one choice field: {field: [value, ...]}"))
        [(field, values)] = value.items()
        properties = _properties(data)
        prop = properties.get(field)
        if not isinstance(prop, dict) or not isinstance(prop.get("enum"), list):
            raise self.error(
                where, _("'%(choice)s' is not a choice field (with enum) of the form"), choice=field
            )
        offered = [str(v) for v in prop["enum"]]
        if (
            not isinstance(values, list)
            or not values
            or len(set(map(str, values))) != len(values)
            or not set(map(str, values)) <= set(offered)
        ):
            raise self.error(
                f"{where}.{field}",
                _("must list distinct values among %(allowed)s"),
                allowed=", ".join(offered),
            )
        try:
            titles = {str(k): v for k, v in prop.get("x-enum-titles", {}).items()}
            return RequiredWhen(
                str(field),
                tuple(map(str, values)),
                BilingualText.from_dict(prop["title"]),
                tuple((v, BilingualText.from_dict(titles[v])) for v in offered),
            )
        except (AttributeError, KeyError, ValueError):  # told where the form field is checked
            raise self.error(
                where, _("'%(choice)s' needs a title and a title for each choice"), choice=field
            ) from None

    def outputs(self, data: dict[str, Any]) -> tuple[Output, ...]:
        def one(i: int, item: Any) -> Output:
            where = f"outputs[{i}]."
            if not isinstance(item, dict) or set(item) - {"document", "valid_for", "holder"}:
                raise self.error(f"outputs[{i}]", _("must be {document: ..., valid_for: P1Y}"))
            document = self.string(item, "document", where)
            if not _SNAKE.match(document):
                raise self.error(where + "document", _("must be snake_case"))
            valid_for = item.get("valid_for")
            if valid_for is not None and (not isinstance(valid_for, str) or not _DURATION.match(valid_for)):
                raise self.error(where + "valid_for", _("must be an ISO 8601 duration such as P1Y or P6M"))
            holder = item.get("holder")
            parties = data.get("parties")
            roles = (
                {p.get("role") for p in parties if isinstance(p, dict)}
                if isinstance(parties, list)
                else set()
            )
            if holder is not None and holder not in roles:
                raise self.error(where + "holder", _("must be the role of one of the parties"))
            return Output(document, valid_for, holder)

        return tuple(self.each(self.list(data, "outputs"), one))

    def parties(self, data: dict[str, Any]) -> tuple[Party, ...]:
        properties = _properties(data)

        def one(i: int, item: Any) -> Party:
            where = f"parties[{i}]."
            if not isinstance(item, dict) or not {"role", "name", "consent"} <= set(item) <= {
                "role",
                "name",
                "consent",
                "civil_id_field",
                "is_applicant",
            }:
                raise self.error(
                    f"parties[{i}]", _("must have role, name, consent and optionally civil_id_field")
                )
            role = self.string(item, "role", where)
            if role not in PARTY_ROLES:
                raise self.error(where + "role", _("unknown role '%(role)s'"), role=role)
            if item["consent"] not in ("required", "none"):
                raise self.error(where + "consent", _("must be 'required' or 'none'"))
            field = item.get("civil_id_field")
            is_applicant = item.get("is_applicant", False)
            if field is not None and (
                not isinstance(properties.get(field), dict) or properties[field].get("type") != "string"
            ):
                raise self.error(where + "civil_id_field", _("must name a text field of the form"))
            if not isinstance(is_applicant, bool) or (is_applicant and field is not None):
                raise self.error(
                    where + "is_applicant", _("must be true or false, and not beside civil_id_field")
                )
            consent = item["consent"] == "required"
            if consent and field is None and not is_applicant:
                raise self.error(
                    where + "consent", _("a required consent needs civil_id_field (who must agree)")
                )
            name = self.bilingual(item, "name", where)
            return Party(role, name, consent, field, is_applicant)

        return tuple(self.each(self.list(data, "parties"), one))

    def effects(self, data: dict[str, Any]) -> tuple[str, ...]:
        effects = data.get("effects", [])
        if not isinstance(effects, list):
            raise self.error("effects", _("must be a list of effect names"))
        properties = _properties(data)
        known = vocabulary.known()

        def one(i: int, effect: Any) -> str:
            if effect not in known:
                raise self.error(
                    f"effects[{i}]",
                    _("unknown effect '%(effect)s'; known: %(known)s"),
                    effect=effect,
                    known=", ".join(known),
                )
            missing = [f for f in known[effect].reads if f not in properties]
            if missing:
                raise self.error(
                    f"effects[{i}]", _("needs the form field(s) %(fields)s"), fields=", ".join(missing)
                )
            return str(effect)

        return tuple(self.each(effects, one))

    def delivery(self, data: dict[str, Any]) -> Delivery | None:
        """`delivery: {field: delivery, methods: {kiosk: {kind: collect, ...}, courier: {...}}}`:
        the field must be a choice (enum) of the form, and each method one of its values."""
        value = data.get("delivery")
        if value is None:
            return None
        if not isinstance(value, dict) or set(value) != {"field", "methods"}:
            raise self.error("delivery", _("must have exactly 'field' and 'methods'"))
        properties = _properties(data)
        field = self.string(value, "field", "delivery.")
        choices = properties.get(field, {}).get("enum") if isinstance(properties.get(field), dict) else None
        if not isinstance(choices, list):
            raise self.error("delivery.field", _("must name a choice field (with enum) of the form"))
        methods = value["methods"]
        if not isinstance(methods, dict) or not methods:
            raise self.error("delivery.methods", _("must map values of the choice to a method each"))
        named = list(methods.items())
        return Delivery(
            field,
            tuple(
                self.each(
                    named,
                    lambda i, pair: self.delivery_method(str(pair[0]), pair[1], tuple(choices), properties),
                )
            ),
        )

    def delivery_method(
        self, name: str, item: Any, choices: tuple[Any, ...], properties: dict[str, Any]
    ) -> DeliveryMethod:
        where = f"delivery.methods.{name}"
        if name not in map(str, choices):
            raise self.error(where, _("is not one of the choice field's enum values"))
        if not isinstance(item, dict) or not {"kind", "working_days"} <= set(item) <= {
            "kind",
            "working_days",
            "place",
            "governorate_field",
        }:
            raise self.error(where, _("must have kind, working_days and, to collect, place"))
        kind = item["kind"]
        if kind not in DELIVERY_KINDS:
            raise self.error(
                f"{where}.kind", _("must be one of %(allowed)s"), allowed=", ".join(DELIVERY_KINDS)
            )
        days = item["working_days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= DELIVERY_MAX_WORKING_DAYS:
            raise self.error(
                f"{where}.working_days",
                _("must be a whole number from 0 to %(max)s"),
                max=DELIVERY_MAX_WORKING_DAYS,
            )
        if kind == "courier":
            if set(item) - {"kind", "working_days"}:
                raise self.error(
                    where, _("a courier goes to the registered address: no place or governorate")
                )
            return DeliveryMethod(name, kind, days)
        place = self.bilingual(item, "place", where + ".", max_length=120)
        governorate = item.get("governorate_field")
        if governorate is not None and (
            not isinstance(properties.get(governorate), dict)
            or properties[governorate].get("type") != "string"
        ):
            raise self.error(f"{where}.governorate_field", _("must name a text field of the form"))
        return DeliveryMethod(name, kind, days, place, governorate)


def _properties(data: dict[str, Any]) -> dict[str, Any]:
    """The form's fields, or none when the form itself is wrong (told where the form is checked)."""
    form = data.get("form")
    properties = form.get("properties") if isinstance(form, dict) else None
    return properties if isinstance(properties, dict) else {}
