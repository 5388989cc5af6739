"""Publishing the journey definitions: every YAML file under journeys/definitions/ is checked
against the published catalogue, and a file whose content changed becomes a new version (a journey
keeps the version it started under). One bad file publishes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.db import transaction

from sahl.catalogue.models import Service
from sahl.catalogue.services import definition_of
from sahl.core import yaml_text
from sahl.core.errors import NotFound
from sahl.journeys import followed, public
from sahl.journeys.definition import (
    JourneyDefinition,
    JourneyDefinitionError,
    parse_journey,
    rebuild_published,
)
from sahl.journeys.models import JourneyVersion

DEFINITIONS = Path(__file__).resolve().parent / "definitions"


@dataclass(frozen=True)
class Published:
    code: str
    number: int
    new: bool


def load_journeys(root: Path = DEFINITIONS) -> list[Published]:
    """Check every definition against the published catalogue and publish a new version of those
    whose content changed. All are checked before any is written: one bad file publishes nothing."""
    forms = {
        service.code: definition_of(service.current_version).form
        for service in Service.objects.filter(current_version__isnull=False).select_related("current_version")
        if service.current_version is not None
    }
    parsed: list[JourneyDefinition] = []
    for path in sorted(root.glob("*.yaml")):
        try:
            raw = yaml_text.load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise JourneyDefinitionError(f"{path.name}: not valid YAML: {exc}") from None
        definition = parse_journey(raw, path.name, forms)
        if definition.code != path.stem:
            raise JourneyDefinitionError(f"{path.name}: code {definition.code!r} must match the file's name")
        parsed.append(definition)
    published = []
    with transaction.atomic():
        for definition in parsed:
            last = JourneyVersion.objects.filter(code=definition.code).order_by("-number").first()
            if last is not None and last.digest == definition.digest:
                published.append(Published(definition.code, last.number, False))
                continue
            number = last.number + 1 if last else 1
            JourneyVersion.objects.create(
                code=definition.code, number=number, digest=definition.digest, definition=dict(definition.raw)
            )
            published.append(Published(definition.code, number, True))
    if any(p.new for p in published):
        public.forget_kept()  # /journeys shows the new version at once
        followed.forget()  # and its steps follow their services' applications
    return published


@lru_cache(maxsize=64)
def definition_of_version(version_id: int) -> JourneyDefinition:
    """A published version's definition, parsed once per process (versions never change)."""
    version = JourneyVersion.objects.get(pk=version_id)
    return rebuild_published(version.definition, f"{version.code} v{version.number}")


def current_version(code: str) -> tuple[JourneyVersion, JourneyDefinition]:
    version = JourneyVersion.objects.filter(code=code).order_by("-number").first()
    if version is None:
        raise NotFound("page.not_found")
    return version, definition_of_version(version.pk)
