"""How a search's words find a journey: by its names and keywords, in either language, with the
catalogue's own idea of a word (catalogue.search_terms: folded Arabic, Snowball stems, particles,
broken plurals, colloquial words).

A journey is shown above the services, so it must be what the person asked for, and the rule is
stricter than the services' search (which settles for all words but one):
- every word of the query that carries meaning is a word of the journey's names or keywords (the
  same word or stem, the start of one when 4 letters or more are typed, or one letter off a word of
  5 letters or more); and
- the query holds one of its names or keywords whole. A keyword's single word is not enough:
  "شهادة" (certificate) alone is not "شهادة ميلاد", "new" alone is not "new child".
The word for a journey ("رحلة", "journey") is a name of every journey: it finds them all."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from sahl.catalogue.search_index import KEYWORD, NAME
from sahl.catalogue.search_terms import STOP_WORDS, Term, terms
from sahl.journeys.definition import JourneyDefinition

GLOSSARY = ("رحلة", "journey")  # what a journey is called (docs: the glossary), in both languages
_EXACT, _STARTED, _MISSPELT = 1.0, 0.75, 0.5  # as the services' search weighs them
_SHORTEST_STARTED = 4  # letters typed before a word counts as the start of a longer one
_SHORTEST_MISSPELT = 5  # below this, one letter off is too often another word ("تجديد", "جديد")
_LISTED = re.compile("[,،]")


@dataclass(frozen=True)
class Word:
    word: str
    stem: str
    weight: int  # NAME or KEYWORD (catalogue.search_index): a name's word ranks above a keyword's


Phrase = tuple[Word, ...]


def phrases_of(definition: JourneyDefinition) -> tuple[Phrase, ...]:
    """The journey's names and each of its keywords, in both languages, as words that carry meaning."""
    texts = [
        (NAME, definition.name.ar),
        (NAME, definition.name.en),
        *((NAME, word) for word in GLOSSARY),
        *((KEYWORD, keyword) for keyword in _LISTED.split(definition.keywords.ar)),
        *((KEYWORD, keyword) for keyword in _LISTED.split(definition.keywords.en)),
    ]
    phrases = []
    for weight, text in texts:
        words = tuple(Word(t.word, t.stem, weight) for t in terms(text) if t.word not in STOP_WORDS)
        if words:
            phrases.append(words)
    return tuple(phrases)


def meant(query: str) -> list[Term]:
    """The query's words that carry meaning (all of them if none does)."""
    asked = terms(query)
    return [term for term in asked if term.word not in STOP_WORDS] or asked


def score(asked: list[Term], phrases: tuple[Phrase, ...]) -> float:
    """How well the journey answers the query's words; 0 when it is not what was asked for."""
    words = [word for phrase in phrases for word in phrase]
    total = 0.0
    for term in asked:
        best = max((word.weight * _factor(term, word) for word in words), default=0.0)
        if not best:
            return 0.0
        total += best
    whole = any(all(any(_factor(term, word) for term in asked) for word in phrase) for phrase in phrases)
    return total if whole else 0.0


def _factor(term: Term, known: Word) -> float:
    if term.word == known.word or term.stem == known.stem:
        return _EXACT
    if len(term.word) >= _SHORTEST_STARTED and known.word.startswith(term.word):
        return _STARTED
    if (
        min(len(term.word), len(known.word)) >= _SHORTEST_MISSPELT
        and OSA.distance(term.word, known.word) <= 1
    ):
        return _MISSPELT
    return 0.0
