"""Search finds what people type: recall@5 over the relevance set of real queries in both languages
(tests/fixtures/search_relevance.yaml), and the rules behind it one by one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sahl.catalogue import services

RELEVANCE = Path(__file__).parent.parent / "fixtures" / "search_relevance.yaml"
QUERIES = yaml.safe_load(RELEVANCE.read_text(encoding="utf-8"))


def recall_at_5() -> tuple[float, list[str]]:
    """Of every service a query should find, the share found among its first five results."""
    wanted = found = 0
    missed = []
    for entry in QUERIES:
        first = [s.code for s in services.search(entry["q"]).services[:5]]
        expected = entry["find"][:5]
        wanted += len(expected)
        hits = [code for code in expected if code in first]
        found += len(hits)
        missed += [f"{entry['q']} -> {code} (got {first})" for code in expected if code not in hits]
    return found / wanted, missed


def test_the_relevance_set_is_real_and_large_enough(db):
    assert len(QUERIES) >= 100
    assert {entry["lang"] for entry in QUERIES} == {"ar", "en"}
    assert sum(entry["lang"] == "ar" for entry in QUERIES) >= 50
    codes = set(services.Service.objects.filter(is_active=True).values_list("code", flat=True))
    assert not [code for entry in QUERIES for code in entry["find"] if code not in codes]


def test_recall_at_5_on_the_relevance_set(db, capsys):
    recall, missed = recall_at_5()
    with capsys.disabled():
        print(f"\nsearch recall@5 = {recall:.3f} over {len(QUERIES)} queries; missed:", *missed, sep="\n")
    assert recall >= 0.95, "\n".join(missed)


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("الجوازات", "moi.passport-renewal"),  # the article and a plural
        ("وبالجواز", "moi.passport-renewal"),  # attached conjunction and preposition
        ("للحج", "awqaf.hajj-registration"),  # lil
        ("المواليد", "paci.newborn-registration-kuwaiti"),  # a broken plural
        ("تجديد الجوزا", "moi.passport-renewal"),  # two letters swapped
        ("تجديد الاقامة", "moi.residency-renewal-family"),  # taa marbuta, hamza
        ("driver license", "moi.driving-licence-renewal"),  # American spelling
        ("PIFSS", "pifss.pension-commutation"),  # an agency's acronym: its popular service first
        ("pasport", "moi.passport-renewal"),  # one wrong letter
    ],
)
def test_search_finds_words_as_people_type_them(db, typed, first):
    assert first in [s.code for s in services.search(typed).services[:5]]


def test_descriptions_are_searched_and_rank_below_names(db):
    # "expired" and "machine" are only in the passport renewal's description, not its name or keywords.
    assert "moi.passport-renewal" in [s.code for s in services.search("passport expired").services[:5]]
    assert "moi.passport-renewal" in [s.code for s in services.search("self-service machine").services]
    found = [s.code for s in services.search("fingerprint").services]
    assert found[0] == "moi.biometric-appointment"  # in its name; others only describe it


def test_a_name_outranks_keywords_and_popular_comes_first_among_equals(db):
    found = services.search("passport").services
    names = [s for s in found if "passport" in s.name_en.lower()]
    assert found[: len(names)] == names  # every name match before any keyword or description match
    popular = [s.popular for s in names]
    assert popular == sorted(popular, reverse=True)
