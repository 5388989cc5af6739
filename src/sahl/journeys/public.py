"""What anyone may read about the journeys, logged in or not: the list, one journey explained step by
step (which agency's service, whether it runs by itself, is offered or needs a form, when it does not
apply and why), and the journeys a search's words name.

It is read from the newest published version of each definition (what a journey started now follows)
and kept in the cache like the catalogue's lists (catalogue.services.CACHED_FOR): a search costs no
query for the journeys once they are kept, and a load is seen by every process within that time."""

from __future__ import annotations

from dataclasses import dataclass

from sahl.catalogue.models import Service
from sahl.catalogue.services import CACHED_FOR, forget_cached_catalogue
from sahl.core.bilingual import BilingualText
from sahl.core.cached import cached, forget
from sahl.core.errors import NotFound
from sahl.journeys import matching
from sahl.journeys.definition import JourneyDefinition, rebuild_published
from sahl.journeys.models import JourneyVersion

_KEY = "journeys:public"


@dataclass(frozen=True)
class JourneyCard:
    """A journey as a list or a search shows it."""

    code: str
    name: BilingualText
    summary: BilingualText


@dataclass(frozen=True)
class StepShown:
    number: int
    name: BilingualText
    agency: BilingualText | None  # None: the service is not in the catalogue now
    service_code: str  # its page's key; "" when the service is not in the catalogue now
    runs: str  # by_itself, offer or form (definition.RUNS)
    filed_by: tuple[BilingualText, ...]  # the members who may file it, in the order Sahl tries them
    after: tuple[BilingualText, ...]  # the earlier steps it waits for
    reason: BilingualText | None  # why it does not apply, when it has a condition; None: always applies


@dataclass(frozen=True)
class JourneyShown:
    card: JourneyCard
    description: BilingualText
    starts_on: str  # the register event that starts it (definition.EVENT_FACTS)
    can_start_yourself: bool
    members: tuple[BilingualText, ...]
    steps: tuple[StepShown, ...]


@dataclass(frozen=True)
class _Kept:
    cards: tuple[JourneyCard, ...]
    definitions: dict[str, JourneyDefinition]
    phrases: dict[str, tuple[matching.Phrase, ...]]  # each journey's names and keywords, for search


def journeys() -> list[JourneyCard]:
    """Every published journey, in the order of their codes."""
    return list(_kept().cards)


def journey(code: str) -> JourneyShown:
    """One journey explained; NotFound for a code no journey has."""
    kept = _kept()
    definition = kept.definitions.get(code)
    if definition is None:
        raise NotFound("page.not_found")
    return cached(f"{_KEY}:{code}", lambda: _shown(definition), CACHED_FOR)


def find(query: str) -> list[JourneyCard]:
    """The journeys the query's words name (journeys.matching), the better matches first."""
    asked = matching.meant(query)
    kept = _kept()
    scored = [(matching.score(asked, kept.phrases[card.code]), card.code, card) for card in kept.cards]
    return [card for score, _, card in sorted(scored, key=lambda s: (-s[0], s[1])) if score]


def forget_kept() -> None:
    """Forget the kept journeys and the pages kept for visitors (catalogue.visitors keeps them under
    the catalogue's generation), for a load that published a new version: seen at once, everywhere."""
    codes = JourneyVersion.objects.values_list("code", flat=True).distinct()
    forget(_KEY, *(f"{_KEY}:{code}" for code in codes))
    forget_cached_catalogue()


def _kept() -> _Kept:
    return cached(_KEY, _read, CACHED_FOR)


def _read() -> _Kept:
    """The newest version of every journey, parsed: one query."""
    newest: dict[str, JourneyVersion] = {}
    for version in JourneyVersion.objects.order_by("code", "number").only("code", "number", "definition"):
        newest[version.code] = version
    definitions = {
        code: rebuild_published(version.definition, f"{code} v{version.number}")
        for code, version in newest.items()
    }
    cards = tuple(JourneyCard(d.code, d.name, d.summary) for d in definitions.values())
    phrases = {code: matching.phrases_of(definition) for code, definition in definitions.items()}
    return _Kept(cards, definitions, phrases)


def _shown(definition: JourneyDefinition) -> JourneyShown:
    """The journey with its steps' services and agencies as the catalogue names them now: one query."""
    codes = {step.service for step in definition.steps}
    services = {
        s.code: s for s in Service.objects.filter(code__in=codes, is_active=True).select_related("agency")
    }
    roles = {member.role: member.name for member in definition.members}
    names: dict[str, BilingualText] = {}
    steps: list[StepShown] = []
    for step in definition.steps:
        service = services.get(step.service)
        name = step.name or (BilingualText(service.name_ar, service.name_en) if service else None)
        if name is None:  # a service withdrawn since the version was published, and no name of its own
            continue
        names[step.key] = name
        steps.append(
            StepShown(
                number=len(steps) + 1,
                name=name,
                agency=BilingualText(service.agency.name_ar, service.agency.name_en) if service else None,
                service_code=service.code if service else "",
                runs=step.runs,
                filed_by=tuple(roles[role] for role in step.applicants),
                after=tuple(names[key] for key in step.after if key in names),
                reason=step.reason,
            )
        )
    return JourneyShown(
        card=JourneyCard(definition.code, definition.name, definition.summary),
        description=definition.description,
        starts_on=definition.starts_on,
        can_start_yourself=definition.can_start_yourself,
        members=tuple(member.name for member in definition.members),
        steps=tuple(steps),
    )
