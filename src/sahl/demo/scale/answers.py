"""Form answers for synthetic applications, from each service's form schema: a few variants per
service, made once and reused, as JSON ready for COPY. Answers that name another person on the
case (the buyer's civil ID...) are placeholders, filled per application with the party chosen,
so that `form_data` and the party rows agree. The applicant's own civil ID is one too."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Callable, Sequence
from typing import Any

from sahl.catalogue.definition import ServiceDefinition
from sahl.demo.names import KUWAITI_FAMILY, KUWAITI_MALE
from sahl.demo.scale.text import escaped
from sahl.registry.geo import GOVERNORATES

VARIANTS = 12
SUBJECT = "@@subject@@"
_TEXTS = (
    "طلب اعتيادي حسب الإجراءات المتبعة",
    "أرجو إنجاز الطلب في أقرب وقت",
    "Routine request as per the usual procedure",
    "Please process at your earliest convenience",
    "مرفق ما يلزم من بيانات",
    "As discussed with the service centre",
)
_ADDRESSES = ("قطعة 3 شارع 12 منزل 7", "Block 5, Street 21, House 14", "قطعة 1 جادة 4 منزل 30")


def placeholder(field: str) -> str:
    return f"@@{field}@@"


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


class Answers:
    """The answers of one service: `pick` gives a JSON text (COPY-escaped) and which party fields
    it holds as placeholders."""

    def __init__(
        self,
        definition: ServiceDefinition,
        rng: random.Random,
        civil_ids: Sequence[str],
        today: dt.date,
        party_fields: frozenset[str],
    ) -> None:
        self.rng, self.civil_ids, self.today = rng, civil_ids, today
        self.party_fields = party_fields
        form = definition.form
        required = set(form.get("required", []))
        properties: dict[str, Any] = form.get("properties", {})
        self.variants: list[tuple[str, tuple[str, ...]]] = []
        for _ in range(VARIANTS):
            answers: dict[str, Any] = {}
            for name, prop in properties.items():
                if name not in required and name not in party_fields and rng.random() < 0.4:
                    continue
                value = self._value(name, prop)
                if value is not None:
                    answers[name] = value
            text = escaped(json.dumps(answers, ensure_ascii=False))
            self.variants.append((text, tuple(f for f in sorted(party_fields) if f in answers)))

    def pick(self, rng: random.Random) -> tuple[str, tuple[str, ...]]:
        return self.variants[int(rng.random() * VARIANTS)]

    def _value(self, name: str, prop: dict[str, Any]) -> Any:
        rng = self.rng
        if name in self.party_fields:
            return placeholder(name)
        source = prop.get("x-prefill")
        if source is not None:
            return self._prefilled(source)
        if "enum" in prop:
            return rng.choice(prop["enum"])
        kind = prop["type"]
        if kind == "boolean":
            return rng.random() < 0.5
        if kind in ("integer", "number"):
            low = prop.get("minimum", 1 if kind == "integer" else 0)
            high = min(prop.get("maximum", low + 500), low + 5000)
            number = rng.uniform(low, high)
            return int(number) if kind == "integer" else round(number, 3)
        if prop.get("format") == "date":
            return (self.today + dt.timedelta(days=rng.randint(-300, 300))).isoformat()
        if prop.get("format") == "email":
            return f"applicant{rng.randint(1, 99999)}@example.com"
        return self._text(name, prop)

    def _prefilled(self, source: str) -> Any:
        rng = self.rng
        makers: dict[str, Callable[[], str]] = {
            "applicant.civil_id": lambda: SUBJECT,
            "applicant.full_name": lambda: f"{rng.choice(KUWAITI_MALE)[0]} {rng.choice(KUWAITI_FAMILY)[0]}",
            "applicant.governorate": lambda: rng.choice(sorted(GOVERNORATES)),
            "applicant.vehicles": lambda: f"{rng.randint(1, 99)}-{rng.randint(1_000_000, 9_000_000)}",
            "applicant.passports": lambda: f"K{rng.randint(100_000_000, 199_999_999)}",
            "applicant.driving_licences": lambda: f"DL{rng.choice(self.civil_ids)}",
            "applicant.companies": lambda: f"CR-{rng.randint(1_000_000, 1_099_999)}",
        }
        return makers.get(source, lambda: rng.choice(self.civil_ids))()

    def _text(self, name: str, prop: dict[str, Any]) -> str | None:
        rng = self.rng
        pattern = prop.get("pattern")
        if pattern is not None:
            value = _by_pattern(pattern, rng, self.civil_ids)
            return value if value is not None and re.search(pattern, value) else None
        if name.endswith("civil_id"):
            value = rng.choice(self.civil_ids)
        elif "address" in name:
            value = rng.choice(_ADDRESSES)
        elif name.endswith("name"):
            value = f"{rng.choice(KUWAITI_MALE)[1]} {rng.choice(KUWAITI_FAMILY)[1]}"
        else:
            value = rng.choice(_TEXTS)
        value = value[: prop.get("maxLength", 200)]
        return value.ljust(prop.get("minLength", 0), ".")


def _by_pattern(pattern: str, rng: random.Random, civil_ids: Sequence[str]) -> str | None:
    if pattern.startswith("^[23]") or pattern == "^[0-9]{12}$":
        return rng.choice(civil_ids)
    if pattern.startswith("^KW"):
        return f"KW{_digits(rng, 2)}NBOK{_digits(rng, 22)}"
    if pattern.startswith("^[569]"):
        return rng.choice("569") + _digits(rng, 7)
    if pattern == "^[0-9]{4}-(0[1-9]|1[0-2])$":
        return f"{rng.randint(2020, 2026)}-{rng.randint(1, 12):02d}"
    if pattern == "^[A-HJ-NPR-Z0-9]{17}$":
        return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(17))
    fixed = re.fullmatch(r"\^(?:2)?\[0-9\]\{(\d+)(?:,(\d+))?\}\$", pattern)
    if fixed:
        count = int(fixed.group(1))
        return ("2" if pattern.startswith("^2") else "") + _digits(rng, count)
    if pattern == "^[0-9]{4}/[0-9]{4}$":
        return f"{_digits(rng, 4)}/{_digits(rng, 4)}"
    if pattern == "^\\+?[0-9]{7,15}$":
        return "+965" + _digits(rng, 8)
    if pattern == "^[0-9]{2,7}-[0-9]{2}-[0-9]$":
        return f"{_digits(rng, 5)}-{_digits(rng, 2)}-{_digits(rng, 1)}"
    return None
