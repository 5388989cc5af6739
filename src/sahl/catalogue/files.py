"""Reading the catalogue from its YAML files: agencies, categories and one file per service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sahl.catalogue.definition import DefinitionError, ServiceDefinition, check_publishable, parse_definition
from sahl.core.bilingual import BilingualText

DEFINITIONS = Path(__file__).resolve().parent / "definitions"


@dataclass(frozen=True)
class AgencyEntry:
    code: str
    name: BilingualText
    description: BilingualText


@dataclass(frozen=True)
class CategoryEntry:
    code: str
    name: BilingualText


@dataclass(frozen=True)
class CatalogueFiles:
    agencies: tuple[AgencyEntry, ...]
    categories: tuple[CategoryEntry, ...]
    services: tuple[ServiceDefinition, ...]


def read_catalogue(root: Path = DEFINITIONS, only: set[str] | None = None) -> CatalogueFiles:
    """Read and validate every file (or only those of the agencies in `only`).

    The first problem raises DefinitionError naming the file, the field and the reason.
    """
    agencies = tuple(_agency(e, i) for i, e in enumerate(_load_list(root / "agencies.yaml")))
    categories = tuple(_category(e, i) for i, e in enumerate(_load_list(root / "categories.yaml")))
    _unique(root / "agencies.yaml", [a.code for a in agencies])
    _unique(root / "categories.yaml", [c.code for c in categories])
    agency_codes = {a.code for a in agencies}
    category_codes = {c.code for c in categories}
    services = []
    for path in sorted(root.glob("*/*.yaml")):
        if only is not None and path.parent.name not in only:
            continue
        source = str(path.relative_to(root))
        if path.parent.name not in agency_codes:
            raise DefinitionError(
                source, "(folder)", f"'{path.parent.name}' is not an agency in agencies.yaml"
            )
        definition = parse_definition(
            _load(path), source=source, agencies=agency_codes, categories=category_codes, slug=path.stem
        )
        if definition.agency != path.parent.name:
            raise DefinitionError(source, "agency", f"must be '{path.parent.name}', the folder it is in")
        check_publishable(definition, source)
        services.append(definition)
    _unique(root, [s.code for s in services])
    if only is None:
        _next_steps_exist(services)
    return CatalogueFiles(agencies, categories, tuple(services))


def _next_steps_exist(services: list[ServiceDefinition]) -> None:
    """A refusal that sends the person to another service (pay the fines first) names one that exists."""
    codes = {s.code for s in services}
    for definition in services:
        for i, rule in enumerate(definition.eligibility):
            if rule.refusal and rule.refusal.service and rule.refusal.service not in codes:
                raise DefinitionError(
                    f"{definition.agency}/{definition.code.split('.', 1)[1]}.yaml",
                    f"eligibility[{i}].refusal.service",
                    f"no service '{rule.refusal.service}' in the catalogue",
                )


def _load(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DefinitionError(path.name, "(file)", f"is not valid YAML: {exc}") from None


def _load_list(path: Path) -> list[Any]:
    data = _load(path)
    if not isinstance(data, list):
        raise DefinitionError(path.name, "(file)", "must be a list")
    return data


def _agency(entry: Any, index: int) -> AgencyEntry:
    where = f"agencies[{index}]"
    try:
        return AgencyEntry(
            str(entry["code"]),
            BilingualText.from_dict(entry["name"]),
            BilingualText.from_dict(entry["description"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DefinitionError("agencies.yaml", where, str(exc)) from None


def _category(entry: Any, index: int) -> CategoryEntry:
    try:
        return CategoryEntry(str(entry["code"]), BilingualText.from_dict(entry["name"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise DefinitionError("categories.yaml", f"categories[{index}]", str(exc)) from None


def _unique(path: Path, codes: list[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise DefinitionError(path.name, "code", f"'{code}' appears twice")
        seen.add(code)
