"""What anyone may read about the journeys, logged in or not: the list, one journey explained step by
step (which agency's service, whether it runs by itself, is offered or needs a form, when it does not
apply and why), and the journeys a search's words name.

It is read from the newest published version of each definition (what a journey started now follows)
and kept in the cache like the catalogue's lists (catalogue.services.CACHED_FOR): a search costs no
query for the journeys once they are kept, and a load is seen by every process within that time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import OSA

from sahl.catalogue.models import Service
from sahl.catalogue.search_index import KEYWORD, NAME
from sahl.catalogue.search_terms import STOP_WORDS, Term, terms
from sahl.catalogue.services import CACHED_FOR, forget_cached_catalogue
from sahl.core.bilingual import BilingualText
from sahl.core.cached import cached, forget
from sahl.core.errors import NotFound
from sahl.journeys.definition import JourneyDefinition, parse_journey
from sahl.journeys.models import JourneyVersion

_KEY = "journeys:public"
_SHORTEST_STARTED = 3  # letters typed before a word counts as the start of a longer one (as search_index)
_SHORTEST_MISSPELT = 4  # below this, one letter off is another word
_EXACT, _STARTED, _MISSPELT = 1.0, 0.75, 0.5


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
    # Each journey's words from its names and keywords in both languages: word -> (weight, stem).
    words: dict[str, dict[str, tuple[int, str]]]


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
    """The journeys whose names or keywords hold every word of the query that carries meaning (in
    either language, spelt as the catalogue's search forgives), the better matches first. Stricter
    than the services' search, which settles for all words but one: a journey shown above the
    services must be what the person asked for ("new passport" is not the newborn journey)."""
    asked = terms(query)
    meant = [term for term in asked if term.word not in STOP_WORDS] or asked
    if not meant:
        return []
    kept = _kept()
    scored = []
    for card in kept.cards:
        words = kept.words[card.code]
        scores = [_score(term, words) for term in meant]
        if all(scores):
            scored.append((-sum(scores), card.code, card))
    return [card for _, _, card in sorted(scored)]


def _score(term: Term, words: dict[str, tuple[int, str]]) -> float:
    best = 0.0
    for word, (weight, stem) in words.items():
        if term.word == word or term.stem == stem:
            factor = _EXACT
        elif len(term.word) >= _SHORTEST_STARTED and word.startswith(term.word):
            factor = _STARTED
        elif len(term.word) >= _SHORTEST_MISSPELT and (
            OSA.distance(term.word, word) <= 1 or OSA.distance(term.stem, stem) <= 1
        ):
            factor = _MISSPELT
        else:
            continue
        best = max(best, weight * factor)
    return best


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
        code: parse_journey(version.definition, f"{code} v{version.number}", _Published())
        for code, version in newest.items()
    }
    cards = tuple(JourneyCard(d.code, d.name, d.summary) for d in definitions.values())
    words = {code: _words(definition) for code, definition in definitions.items()}
    return _Kept(cards, definitions, words)


def _words(definition: JourneyDefinition) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for weight, text in (
        (NAME, definition.name.ar),
        (NAME, definition.name.en),
        (KEYWORD, definition.keywords.ar),
        (KEYWORD, definition.keywords.en),
    ):
        for term in terms(text):
            if term.word not in found and term.word not in STOP_WORDS:  # the names are read first
                found[term.word] = (weight, term.stem)
    return found


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


class _Published(dict[str, dict[str, Any]]):
    """Every service with every field, for parsing a stored version: it was checked against the
    catalogue when it was published and is only rebuilt here (as journeys.services does), since the
    catalogue may have moved on since."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> dict[str, Any]:
        return {"properties": _EveryField()}


class _EveryField(dict[str, Any]):
    def __contains__(self, key: object) -> bool:
        return True
