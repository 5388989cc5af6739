"""A service definition: parsed and validated from one YAML file, before anything is stored.

Every check names the field and the reason, so a bad file can be fixed without reading code.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sahl.catalogue.rules import Refusal, Rule, RuleError, check_refusal, check_rule
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


class DefinitionError(ValueError):
    def __init__(self, source: str, field: str, reason: str) -> None:
        super().__init__(f"{source}: {field}: {reason}")
        self.source, self.field, self.reason = source, field, reason


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
        canonical = json.dumps(self.raw, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


def check_publishable(definition: ServiceDefinition, source: str) -> None:
    """What a definition must meet to be published now, beyond what every stored version met when
    it was (old versions are read again and must stay readable): an output that certifies what an
    effect of the service makes or renews is valid as long as that record, so it names no
    `valid_for` of its own (a power of attorney ends with the mandate, a renewed card with the
    register's new expiry)."""
    known = vocabulary.known()
    certified = {known[name].certifies for name in definition.effects if known[name].certifies}
    for i, output in enumerate(definition.outputs):
        if output.document in certified and output.valid_for is not None:
            raise DefinitionError(
                source,
                f"outputs[{i}].valid_for",
                f"remove it: a {output.document} is valid as long as the record the service's effect "
                "makes or renews",
            )


def parse_definition(
    data: Any, *, source: str, agencies: set[str], categories: set[str], slug: str | None = None
) -> ServiceDefinition:
    """Validate one definition; raise DefinitionError naming the first problem found."""
    p = _Parser(source)
    if not isinstance(data, dict):
        raise DefinitionError(source, "(file)", "must be a mapping of fields")
    unknown = set(data) - TOP_LEVEL
    if unknown:
        raise p.error(sorted(unknown)[0], "unknown field")
    code = p.string(data, "code")
    if not _CODE.match(code):
        raise p.error("code", "must look like '<agency>.<slug>' in lower case with hyphens")
    agency = p.string(data, "agency")
    if agency not in agencies:
        raise p.error("agency", f"unknown agency '{agency}'")
    if code.split(".")[0] != agency:
        raise p.error("code", f"must start with the agency code '{agency}.'")
    if slug is not None and code.split(".", 1)[1] != slug:
        raise p.error("code", f"must end with the file name '{slug}'")
    category = p.string(data, "category")
    if category not in categories:
        raise p.error("category", f"unknown category '{category}'")
    audience = p.list(data, "audience", min_items=1)
    for item in audience:
        if item not in AUDIENCES:
            raise p.error("audience", f"'{item}' is not one of {', '.join(AUDIENCES)}")
    if len(set(audience)) != len(audience):
        raise p.error("audience", "has a repeated value")
    processing = p.string(data, "processing")
    if processing not in PROCESSING_MODES:
        raise p.error("processing", f"must be one of {', '.join(PROCESSING_MODES)}")
    popular = data.get("popular", False)
    if not isinstance(popular, bool):
        raise p.error("popular", "must be true or false")
    return ServiceDefinition(
        code=code,
        agency=agency,
        name=p.bilingual(data, "name", max_length=120),
        description=p.bilingual(data, "description", min_length=20, max_length=600),
        audience=tuple(audience),
        category=category,
        fee=p.fee(data),
        fee_exemptions=p.rules(data, "fee_exemptions", required=False),
        working_days=p.working_days(data, processing),
        processing=processing,
        popular=popular,
        keywords=p.keywords(data),
        eligibility=p.eligibility(data),
        form=p.form(data),
        required_documents=p.documents(data),
        outputs=p.outputs(data),
        parties=p.parties(data),
        effects=p.effects(data),
        delivery=p.delivery(data),
        raw=data,
    )


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, field: str, reason: str) -> DefinitionError:
        return DefinitionError(self.source, field, reason)

    def string(self, data: dict[str, Any], field: str, where: str = "") -> str:
        value = data.get(field)
        if not isinstance(value, str) or not value.strip():
            raise self.error(where + field, "is required and must be text")
        return value.strip()

    def list(self, data: dict[str, Any], field: str, min_items: int = 0, where: str = "") -> list[Any]:
        value = data.get(field)
        if not isinstance(value, list):
            raise self.error(where + field, "is required and must be a list")
        if len(value) < min_items:
            raise self.error(where + field, f"needs at least {min_items} item(s)")
        return value

    def bilingual(
        self, data: dict[str, Any], field: str, where: str = "", min_length: int = 1, max_length: int = 2000
    ) -> BilingualText:
        try:
            text = BilingualText.from_dict(data.get(field))
        except ValueError as exc:
            raise self.error(where + field, str(exc)) from None
        for lang in ("ar", "en"):
            value = getattr(text, lang)
            if not min_length <= len(value) <= max_length:
                raise self.error(f"{where}{field}.{lang}", f"must be {min_length} to {max_length} characters")
        if not re.search("[\u0600-\u06ff]", text.ar):
            raise self.error(f"{where}{field}.ar", "must be written in Arabic")
        return text

    def fee(self, data: dict[str, Any]) -> Money:
        fee = data.get("fee")
        if not isinstance(fee, dict) or set(fee) != {"amount", "currency"}:
            raise self.error("fee", 'must be {amount: "10.000", currency: KWD}')
        if not isinstance(fee["amount"], str):
            raise self.error("fee.amount", 'must be quoted text with three decimals, e.g. "5.000"')
        try:
            return Money.parse(fee["amount"], str(fee["currency"]))
        except BadInput:
            raise self.error(
                "fee", "amount must have exactly three decimals and currency must be KWD"
            ) from None

    def working_days(self, data: dict[str, Any], processing: str) -> int:
        level = data.get("service_level")
        days = level.get("working_days") if isinstance(level, dict) else None
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365:
            raise self.error("service_level.working_days", "must be a whole number from 0 to 365")
        if days == 0 and processing != "automatic":
            raise self.error("service_level.working_days", "can be 0 only for automatic processing")
        return days

    def keywords(self, data: dict[str, Any]) -> BilingualText | None:
        value = data.get("keywords")
        if value is None:
            return None
        if not isinstance(value, dict) or set(value) - {"ar", "en"}:
            raise self.error("keywords", "must be {ar: [...], en: [...]}")
        words: dict[str, str] = {}
        for lang in ("ar", "en"):
            items = value.get(lang, [])
            if not isinstance(items, list) or not all(isinstance(w, str) and w.strip() for w in items):
                raise self.error(f"keywords.{lang}", "must be a list of words")
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
        rules = []
        keys = {"rule", "reason"}
        allowed = keys | {"refusal"} if refusals else keys
        for i, item in enumerate(self.list(data, field)):
            where = f"{field}[{i}]."
            if not isinstance(item, dict) or not keys <= set(item) <= allowed:
                wanted = "exactly 'rule' and 'reason'" + (" (and optionally 'refusal')" if refusals else "")
                raise self.error(f"{field}[{i}]", f"must have {wanted}")
            source = self.string(item, "rule", where)
            try:
                check_rule(source, EXAMPLE)
            except RuleError as exc:
                raise self.error(where + "rule", str(exc)) from None
            refusal = self.refusal(item["refusal"], where) if "refusal" in item else None
            rules.append(Rule(source, self.bilingual(item, "reason", where), refusal))
        return tuple(rules)

    def refusal(self, value: Any, where: str) -> Refusal:
        """`{kind: unpaid_fines, service: <code>}` or `{kind: too_early, days_left: applicant.<...>,
        window_days: N}`."""
        allowed = {"kind", "service", "days_left", "window_days"}
        if not isinstance(value, dict) or not set(value) <= allowed or "kind" not in value:
            raise self.error(where + "refusal", f"must be a mapping of {', '.join(sorted(allowed))}")
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
            raise self.error(where + "refusal", str(exc)) from None
        return refusal

    def form(self, data: dict[str, Any]) -> dict[str, Any]:
        form = data.get("form")
        if not isinstance(form, dict) or set(form) - {"properties", "required"}:
            raise self.error("form", "must have 'properties' and optionally 'required'")
        properties = form.get("properties")
        if not isinstance(properties, dict):
            raise self.error("form.properties", "must be a mapping of field names")
        for name, prop in properties.items():
            self.form_property(str(name), prop)
        required = form.get("required", [])
        if not isinstance(required, list) or not all(r in properties for r in required):
            raise self.error("form.required", "must list names of fields in form.properties")
        return form

    def form_property(self, name: str, prop: Any) -> None:
        where = f"form.properties.{name}"
        if not _SNAKE.match(name):
            raise self.error(where, "field names are snake_case")
        if not isinstance(prop, dict):
            raise self.error(where, "must be a mapping")
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
            raise self.error(f"{where}.{sorted(unknown)[0]}", "unknown keyword")
        kind = prop.get("type")
        if kind not in PROPERTY_TYPES:
            raise self.error(f"{where}.type", f"must be one of {', '.join(PROPERTY_TYPES)}")
        self.bilingual(prop, "title", where + ".", max_length=120)
        if "description" in prop:
            self.bilingual(prop, "description", where + ".")
        prefill = prop.get("x-prefill")
        if prefill is not None and prefill not in CHOICE_KEYS and prefill not in VALUE_SOURCES:
            raise self.error(f"{where}.x-prefill", f"unknown source '{prefill}'")
        if "format" in prop and prop["format"] not in STRING_FORMATS:
            raise self.error(f"{where}.format", f"must be one of {', '.join(STRING_FORMATS)}")
        if "pattern" in prop:
            try:
                re.compile(prop["pattern"])
            except (re.error, TypeError):
                raise self.error(f"{where}.pattern", "is not a valid regular expression") from None
        if "enum" in prop:
            values = prop["enum"]
            titles = prop.get("x-enum-titles")
            if not isinstance(values, list) or not values or len(set(map(str, values))) != len(values):
                raise self.error(f"{where}.enum", "must be a non-empty list of distinct values")
            if not isinstance(titles, dict) or {str(v) for v in titles} != {str(v) for v in values}:
                raise self.error(f"{where}.x-enum-titles", "must give a bilingual title for every enum value")
            # Titles are looked up by the value as text: JSON storage turns number keys into text.
            titles_by_text = {str(key): title for key, title in titles.items()}
            for value in values:
                self.bilingual(titles_by_text, str(value), f"{where}.x-enum-titles.")
        if kind == "string" and not ({"maxLength", "enum", "x-prefill", "format"} & set(prop)):
            raise self.error(where, "a text field needs maxLength, enum, format or x-prefill")
        for bound in ("maxLength", "minLength"):
            if bound in prop and (not isinstance(prop[bound], int) or prop[bound] < 0 or kind != "string"):
                raise self.error(f"{where}.{bound}", "must be a whole number on a string field")
        for bound in ("minimum", "maximum"):
            if bound in prop and (
                kind not in ("integer", "number") or not isinstance(prop[bound], int | float)
            ):
                raise self.error(f"{where}.{bound}", "must be a number on a numeric field")

    def documents(self, data: dict[str, Any]) -> tuple[RequiredDocument, ...]:
        docs = []
        seen: set[str] = set()
        items = self.list(data, "required_documents")
        if len(items) > MAX_DOCUMENTS:
            raise self.error("required_documents", f"has at most {MAX_DOCUMENTS} documents")
        for i, item in enumerate(items):
            where = f"required_documents[{i}]."
            if not isinstance(item, dict) or set(item) - {
                "code",
                "name",
                "formats",
                "max_size_mb",
                "required",
                "required_when",
            }:
                raise self.error(f"required_documents[{i}]", "has unknown or missing keys")
            code = self.string(item, "code", where)
            if not _SNAKE.match(code) or code in seen:
                raise self.error(where + "code", "must be snake_case and unique")
            seen.add(code)
            formats = self.list(item, "formats", min_items=1, where=where)
            if not all(f in DOCUMENT_FORMATS for f in formats):
                raise self.error(where + "formats", f"must be among {', '.join(DOCUMENT_FORMATS)}")
            size = item.get("max_size_mb")
            if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= DOCUMENT_MAX_MB:
                raise self.error(where + "max_size_mb", f"must be a whole number from 1 to {DOCUMENT_MAX_MB}")
            required = item.get("required", True)
            if not isinstance(required, bool):
                raise self.error(where + "required", "must be true or false")
            when = self.required_when(data, item, where)
            if when is not None and required:
                raise self.error(where + "required", "must be false beside required_when")
            docs.append(
                RequiredDocument(
                    code, self.bilingual(item, "name", where), tuple(formats), size, required, when
                )
            )
        return tuple(docs)

    def required_when(self, data: dict[str, Any], item: dict[str, Any], where: str) -> RequiredWhen | None:
        """`required_when: {payment_method: [bank_transfer]}`: required when the answer to one choice
        field of the form (an enum) is one of the values listed."""
        if "required_when" not in item:
            return None
        where += "required_when"
        value = item["required_when"]
        if not isinstance(value, dict) or len(value) != 1:
            raise self.error(where, "must name one choice field: {field: [value, ...]}")
        [(field, values)] = value.items()
        properties = data.get("form", {}).get("properties", {})
        prop = properties.get(field) if isinstance(properties, dict) else None
        if not isinstance(prop, dict) or not isinstance(prop.get("enum"), list):
            raise self.error(where, f"'{field}' is not a choice field (with enum) of the form")
        offered = [str(v) for v in prop["enum"]]
        if (
            not isinstance(values, list)
            or not values
            or len(set(map(str, values))) != len(values)
            or not set(map(str, values)) <= set(offered)
        ):
            raise self.error(f"{where}.{field}", f"must list distinct values among {', '.join(offered)}")
        titles = {str(k): v for k, v in prop.get("x-enum-titles", {}).items()}
        return RequiredWhen(
            str(field),
            tuple(map(str, values)),
            BilingualText.from_dict(prop["title"]),
            tuple((v, BilingualText.from_dict(titles[v])) for v in offered),
        )

    def outputs(self, data: dict[str, Any]) -> tuple[Output, ...]:
        outputs = []
        for i, item in enumerate(self.list(data, "outputs")):
            where = f"outputs[{i}]."
            if not isinstance(item, dict) or set(item) - {"document", "valid_for", "holder"}:
                raise self.error(f"outputs[{i}]", "must be {document: ..., valid_for: P1Y}")
            document = self.string(item, "document", where)
            if not _SNAKE.match(document):
                raise self.error(where + "document", "must be snake_case")
            valid_for = item.get("valid_for")
            if valid_for is not None and (not isinstance(valid_for, str) or not _DURATION.match(valid_for)):
                raise self.error(where + "valid_for", "must be an ISO 8601 duration such as P1Y or P6M")
            holder = item.get("holder")
            roles = {p.get("role") for p in data.get("parties", []) if isinstance(p, dict)}
            if holder is not None and holder not in roles:
                raise self.error(where + "holder", "must be the role of one of the parties")
            outputs.append(Output(document, valid_for, holder))
        return tuple(outputs)

    def parties(self, data: dict[str, Any]) -> tuple[Party, ...]:
        parties = []
        for i, item in enumerate(self.list(data, "parties")):
            where = f"parties[{i}]."
            if not isinstance(item, dict) or not {"role", "name", "consent"} <= set(item) <= {
                "role",
                "name",
                "consent",
                "civil_id_field",
                "is_applicant",
            }:
                raise self.error(
                    f"parties[{i}]", "must have role, name, consent and optionally civil_id_field"
                )
            role = self.string(item, "role", where)
            if role not in PARTY_ROLES:
                raise self.error(where + "role", f"unknown role '{role}'")
            if item["consent"] not in ("required", "none"):
                raise self.error(where + "consent", "must be 'required' or 'none'")
            field = item.get("civil_id_field")
            is_applicant = item.get("is_applicant", False)
            properties = data.get("form", {}).get("properties", {})
            if field is not None and (field not in properties or properties[field].get("type") != "string"):
                raise self.error(where + "civil_id_field", "must name a text field of the form")
            if not isinstance(is_applicant, bool) or (is_applicant and field is not None):
                raise self.error(
                    where + "is_applicant", "must be true or false, and not beside civil_id_field"
                )
            consent = item["consent"] == "required"
            if consent and field is None and not is_applicant:
                raise self.error(
                    where + "consent", "a required consent needs civil_id_field (who must agree)"
                )
            name = self.bilingual(item, "name", where)
            parties.append(Party(role, name, consent, field, is_applicant))
        return tuple(parties)

    def effects(self, data: dict[str, Any]) -> tuple[str, ...]:
        effects = data.get("effects", [])
        if not isinstance(effects, list):
            raise self.error("effects", "must be a list of effect names")
        properties = data.get("form", {}).get("properties", {})
        for i, effect in enumerate(effects):
            known = vocabulary.known()
            if effect not in known:
                raise self.error(f"effects[{i}]", f"unknown effect '{effect}'; known: {', '.join(known)}")
            missing = [f for f in known[effect].reads if f not in properties]
            if missing:
                raise self.error(f"effects[{i}]", f"needs the form field(s) {', '.join(missing)}")
        return tuple(effects)

    def delivery(self, data: dict[str, Any]) -> Delivery | None:
        """`delivery: {field: delivery, methods: {kiosk: {kind: collect, ...}, courier: {...}}}`:
        the field must be a choice (enum) of the form, and each method one of its values."""
        value = data.get("delivery")
        if value is None:
            return None
        if not isinstance(value, dict) or set(value) != {"field", "methods"}:
            raise self.error("delivery", "must have exactly 'field' and 'methods'")
        properties = data.get("form", {}).get("properties", {})
        field = self.string(value, "field", "delivery.")
        choices = properties.get(field, {}).get("enum") if isinstance(properties.get(field), dict) else None
        if not isinstance(choices, list):
            raise self.error("delivery.field", "must name a choice field (with enum) of the form")
        methods = value["methods"]
        if not isinstance(methods, dict) or not methods:
            raise self.error("delivery.methods", "must map values of the choice to a method each")
        return Delivery(
            field,
            tuple(
                self.delivery_method(str(name), item, tuple(choices), properties)
                for name, item in methods.items()
            ),
        )

    def delivery_method(
        self, name: str, item: Any, choices: tuple[Any, ...], properties: dict[str, Any]
    ) -> DeliveryMethod:
        where = f"delivery.methods.{name}"
        if name not in map(str, choices):
            raise self.error(where, "is not one of the choice field's enum values")
        if not isinstance(item, dict) or not {"kind", "working_days"} <= set(item) <= {
            "kind",
            "working_days",
            "place",
            "governorate_field",
        }:
            raise self.error(where, "must have kind, working_days and, to collect, place")
        kind = item["kind"]
        if kind not in DELIVERY_KINDS:
            raise self.error(f"{where}.kind", f"must be one of {', '.join(DELIVERY_KINDS)}")
        days = item["working_days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= DELIVERY_MAX_WORKING_DAYS:
            raise self.error(
                f"{where}.working_days", f"must be a whole number from 0 to {DELIVERY_MAX_WORKING_DAYS}"
            )
        if kind == "courier":
            if set(item) - {"kind", "working_days"}:
                raise self.error(where, "a courier goes to the registered address: no place or governorate")
            return DeliveryMethod(name, kind, days)
        place = self.bilingual(item, "place", where + ".", max_length=120)
        governorate = item.get("governorate_field")
        if governorate is not None and (
            not isinstance(properties.get(governorate), dict)
            or properties[governorate].get("type") != "string"
        ):
            raise self.error(f"{where}.governorate_field", "must name a text field of the form")
        return DeliveryMethod(name, kind, days, place, governorate)
