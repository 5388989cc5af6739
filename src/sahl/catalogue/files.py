"""Reading the catalogue from its YAML files: agencies, categories and one file per service."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.utils.translation import gettext_noop as _  # marked here, translated where shown

from sahl.catalogue.definition import (
    DefinitionError,
    DefinitionErrors,
    Problems,
    ServiceDefinition,
    _Parser,
    check_publishable,
    parse_definition,
)
from sahl.core import yaml_text
from sahl.core.bilingual import BilingualText

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
_AGENCY_CODE = re.compile(r"^[a-z][a-z0-9]{1,19}$")


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

    Every problem of every file is found before any is reported: DefinitionErrors names, for each,
    the agency's or service's code, the field and the reason.
    """
    problems = Problems()
    agencies = _entries(root / "agencies.yaml", "agencies", _agency, problems)
    categories = _entries(root / "categories.yaml", "categories", _category, problems)
    _unique(root / "agencies.yaml", [a.code for a in agencies], problems)
    _unique(root / "categories.yaml", [c.code for c in categories], problems)
    # An entry with a problem still names its code: its services are not reported as orphans too.
    agency_codes = {a.code for a in agencies} | _codes(root / "agencies.yaml")
    category_codes = {c.code for c in categories} | _codes(root / "categories.yaml")
    services = []
    for path in sorted(root.glob("*/*.yaml")):
        if only is not None and path.parent.name not in only:
            continue
        source = str(path.relative_to(root))
        if path.parent.name not in agency_codes:
            problems.found.append(
                DefinitionError(
                    source,
                    "(folder)",
                    _("'%(folder)s' is not an agency in agencies.yaml"),
                    folder=path.parent.name,
                )
            )
            continue
        definition = problems.attempt(
            partial(
                read_definition,
                path.read_bytes(),
                source,
                agency_codes,
                category_codes,
                folder=path.parent.name,
                slug=path.stem,
            )
        )
        if definition is not None:
            services.append(definition)
    _unique(root, [s.code for s in services], problems)
    if only is None:
        problems.attempt(lambda: next_steps_exist(services))
    problems.raise_any()
    return CatalogueFiles(agencies, categories, tuple(services))


def read_definition(
    text: bytes | str,
    source: str,
    agencies: set[str],
    categories: set[str],
    *,
    folder: str | None = None,
    slug: str | None = None,
) -> ServiceDefinition:
    """One service's YAML, checked as it must be to be published (the loading command and the
    agency administrators' editor both call this): DefinitionErrors names every problem."""
    data = _parse_yaml(text, source)
    definition = parse_definition(data, source=source, agencies=agencies, categories=categories, slug=slug)
    if folder is not None and definition.agency != folder:
        raise DefinitionError(
            source, "agency", _("must be '%(folder)s', the folder it is in"), definition.code, folder=folder
        )
    check_publishable(definition, source)
    return definition


def next_steps_exist(services: list[ServiceDefinition] | tuple[ServiceDefinition, ...]) -> None:
    """A refusal that sends the person to another service (pay the fines first) names one that exists."""
    codes = {s.code for s in services}
    problems = Problems()
    for definition in services:
        for i, rule in enumerate(definition.eligibility):
            if rule.refusal and rule.refusal.service and rule.refusal.service not in codes:
                problems.found.append(
                    DefinitionError(
                        f"{definition.agency}/{definition.code.split('.', 1)[1]}.yaml",
                        f"eligibility[{i}].refusal.service",
                        _("no service '%(service)s' in the catalogue"),
                        definition.code,
                        service=rule.refusal.service,
                    )
                )
    problems.raise_any()


def _parse_yaml(text: bytes | str, source: str) -> Any:
    try:
        # An alias repeats a part by reference: a few lines can stand for billions of values once
        # the content is fingerprinted. Definitions write every value out.
        if any(isinstance(token, yaml.AliasToken) for token in yaml_text.tokens(text)):
            raise DefinitionErrors(
                [DefinitionError(source, "(file)", _("uses an alias (*name): write the value out instead"))]
            )
        return yaml_text.load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise DefinitionErrors(
            [
                DefinitionError(
                    source,
                    f"line {line}",
                    _("is not valid YAML: %(problem)s"),
                    problem=exc.problem or "",
                )
            ]
        ) from None
    except (yaml.YAMLError, UnicodeDecodeError):
        raise DefinitionErrors([DefinitionError(source, "(file)", _("is not valid YAML text"))]) from None


E = TypeVar("E", AgencyEntry, CategoryEntry)


def _entries(path: Path, name: str, read: Callable[[Any, int], E], problems: Problems) -> tuple[E, ...]:
    data = problems.attempt(lambda: _parse_yaml(path.read_bytes(), path.name))
    if data is None:
        return ()
    if not isinstance(data, list):
        problems.found.append(DefinitionError(path.name, "(file)", _("must be a list")))
        return ()
    found = [problems.attempt(partial(read, entry, i)) for i, entry in enumerate(data)]
    return tuple(entry for entry in found if entry is not None)


def _codes(path: Path) -> set[str]:
    try:
        data = yaml_text.load(path.read_bytes())
    except (OSError, yaml.YAMLError):
        return set()
    entries = data if isinstance(data, list) else []
    return {e["code"] for e in entries if isinstance(e, dict) and isinstance(e.get("code"), str)}


def _agency(entry: Any, index: int) -> AgencyEntry:
    """An agency of agencies.yaml; a problem names the agency by its code (its place in the file
    when it has none)."""
    problems = Problems()
    code = entry.get("code") if isinstance(entry, dict) else None
    if not isinstance(code, str) or not _AGENCY_CODE.match(code):
        where = f"agencies[{index}]"
        raise DefinitionError(
            "agencies.yaml", where + ".code", _("must be a short code in lower case, e.g. moi")
        )
    parser = _Parser("agencies.yaml", code)
    name = problems.attempt(lambda: parser.bilingual(entry, "name", max_length=200))
    about = problems.attempt(lambda: parser.bilingual(entry, "description", max_length=400))
    for extra in sorted(set(entry) - {"code", "name", "description"}):
        problems.found.append(parser.error(extra, _("unknown field")))
    problems.raise_any()
    assert name is not None and about is not None
    return AgencyEntry(code, name, about)


def _category(entry: Any, index: int) -> CategoryEntry:
    code = entry.get("code") if isinstance(entry, dict) else None
    if not isinstance(code, str) or not code.strip():
        raise DefinitionError(
            "categories.yaml", f"categories[{index}].code", _("is required and must be text")
        )
    parser = _Parser("categories.yaml", code)
    return CategoryEntry(code, parser.bilingual(entry, "name", max_length=120))


def _unique(path: Path, codes: list[str], problems: Problems) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            problems.found.append(
                DefinitionError(path.name, "code", _("'%(code)s' appears twice"), code, code=code)
            )
        seen.add(code)
