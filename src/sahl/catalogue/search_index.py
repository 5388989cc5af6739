"""The catalogue's search: every active service's terms, kept in memory, matched and ranked there.

The catalogue is a few hundred services, so its terms fit in a few hundred kilobytes. Each service's
terms are worked out when the catalogue is published (Service.search_terms); a process reads them
all in one query once per catalogue generation, and a search then costs no query but the one that
reads the services found (the first search of a generation reads them all, and finds in those).
It is the same on every database.

A query's word matches a service's word when their stems are equal (Snowball, see search_terms), when
it is the start of the word (people type), or, for words of four letters or more, when one letter is
wrong, missing or extra, or two are swapped (rapidfuzz). A name outranks keywords, which outrank the
agency, which outranks the description; an exact word outranks a started one, which outranks a
misspelt one; among equals, popular services come first, then the shorter names.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from sahl.catalogue.search_terms import STOP_WORDS, Term, terms

NAME, KEYWORD, AGENCY, DESCRIPTION = 8, 4, 2, 1
_EXACT, _STARTED, _MISSPELT = 1.0, 0.75, 0.5
_SHORTEST_STARTED = 3  # letters typed before a word counts as the start of longer ones
_SHORTEST_MISSPELT = 4  # below this, one letter off is another word
MAX_FOUND = 100
_REMEMBERED = 20_000  # words' matches kept per index (a few megabytes at most)


def indexed_terms(
    names: Iterable[str], keywords: Iterable[str], agency: Iterable[str], description: Iterable[str]
) -> list[list[object]]:
    """A service's terms as Service.search_terms keeps them: [weight, word, stem], each word once at
    the weight of the most important place it appears in."""
    best: dict[str, tuple[int, str]] = {}
    for weight, texts in ((NAME, names), (KEYWORD, keywords), (AGENCY, agency), (DESCRIPTION, description)):
        for term in terms(" ".join(texts)):
            if term.word not in best:  # the places are read from the most important down
                best[term.word] = (weight, term.stem)
    return [[weight, word, stem] for word, (weight, stem) in best.items()]


@dataclass
class Index:
    ids: list[int] = field(default_factory=list)
    popular: list[bool] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    by_word: dict[str, dict[int, int]] = field(default_factory=dict)  # word -> {position: weight}
    by_stem: dict[str, dict[int, int]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # sorted, for the starts of words
    # by length, so a misspelt word is compared only with words one letter shorter or longer
    words_of_length: dict[int, list[str]] = field(default_factory=dict)
    stems_of_length: dict[int, list[str]] = field(default_factory=dict)
    # What each word typed matched: people type the same few hundred words again and again.
    remembered: dict[Term, dict[int, float]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[int, bool, str, Sequence[Sequence[object]]]]) -> Index:
        index = cls()
        for position, (pk, popular, name, kept) in enumerate(rows):
            index.ids.append(pk)
            index.popular.append(popular)
            index.names.append(name)
            for weight, word, stem in kept:
                for table, key in ((index.by_word, str(word)), (index.by_stem, str(stem))):
                    found = table.setdefault(key, {})
                    found[position] = max(found.get(position, 0), int(str(weight)))
        index.words = sorted(index.by_word)
        for word in index.words:
            index.words_of_length.setdefault(len(word), []).append(word)
        for stem in index.by_stem:
            index.stems_of_length.setdefault(len(stem), []).append(stem)
        return index

    def find(self, query: str) -> list[int]:
        """The ids of the services matching every word of the query that carries meaning (all but
        one, if none matches them all), best first, at most MAX_FOUND."""
        asked = terms(query)
        meant = [term for term in asked if term.word not in STOP_WORDS] or asked
        matches = [self._matches(term) for term in meant]
        scores: dict[int, float] = {}
        counts: dict[int, int] = {}
        for found in matches:
            for position, score in found.items():
                scores[position] = scores.get(position, 0.0) + score
                counts[position] = counts.get(position, 0) + 1
        needed = len(meant)
        if needed > 1 and not any(count == needed for count in counts.values()):
            needed -= 1
        kept = [position for position, count in counts.items() if count >= needed]
        # Among equals, the shorter name is the more general service ("Work permit renewal" before
        # "Partner work permit renewal").
        kept.sort(key=lambda p: (-scores[p], not self.popular[p], len(self.names[p]), self.names[p]))
        return [self.ids[position] for position in kept[:MAX_FOUND]]

    def _matches(self, term: Term) -> dict[int, float]:
        found = self.remembered.get(term)
        if found is None:
            if len(self.remembered) >= _REMEMBERED:
                self.remembered.clear()
            found = self.remembered[term] = self._match(term)
        return found

    def _match(self, term: Term) -> dict[int, float]:
        found: dict[int, float] = {}

        def add(table: dict[str, dict[int, int]], key: str, factor: float) -> None:
            for position, weight in table.get(key, {}).items():
                found[position] = max(found.get(position, 0.0), weight * factor)

        add(self.by_word, term.word, _EXACT)
        add(self.by_stem, term.stem, _EXACT)
        if len(term.word) >= _SHORTEST_STARTED:
            start = bisect.bisect_left(self.words, term.word)
            for word in self.words[start:]:
                if not word.startswith(term.word):
                    break
                add(self.by_word, word, _STARTED)
        for typed, table, of_length in (
            (term.word, self.by_word, self.words_of_length),
            (term.stem, self.by_stem, self.stems_of_length),
        ):
            if len(typed) < _SHORTEST_MISSPELT:
                continue
            near = [w for n in (len(typed) - 1, len(typed), len(typed) + 1) for w in of_length.get(n, ())]
            for other, _, _ in process.extract(typed, near, scorer=OSA.distance, score_cutoff=1, limit=None):
                add(table, other, _MISSPELT)
        return found


_BUILT: dict[str, Index] = {}


def built(generation: str) -> Index | None:
    """The index this process holds for this catalogue generation, if any (see services.search)."""
    return _BUILT.get(generation)


def keep(generation: str, index: Index) -> Index:
    _BUILT.clear()  # an older generation is never asked for again
    _BUILT[generation] = index
    return index
