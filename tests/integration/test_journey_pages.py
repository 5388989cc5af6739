"""Issue 19, points 8 and 11: anyone can read what each journey does, in Arabic and in English; the
search finds journeys by their names and keywords, above the services; the public statistics count
journeys started and completed and the median days from the event to the last step."""

from __future__ import annotations

import datetime as dt
import re
import statistics as stats

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sahl.journeys import figures
from sahl.journeys.models import Journey, JourneyVersion
from sahl.registry import services as register
from tests.integration.conftest import run_tasks
from tests.integration.test_journeys import a_birth
from tests.one_language import foreign_words

pytestmark = pytest.mark.django_db

NEWBORN = {"ar": "رحلة المولود الجديد", "en": "The newborn journey"}
MARRIED = {"ar": "رحلة الزواج", "en": "The married journey"}


def visitor(language: str) -> Client:
    client = Client()
    client.cookies["sahl_language"] = language
    return client


def page(client: Client, path: str, **query: str) -> str:
    response = client.get(path, query)
    assert response.status_code == 200, path
    return response.content.decode()


def journey_links(html: str) -> list[str]:
    """The journeys a search shows, in order."""
    return re.findall(r'<li class="card journey-card">\s*<a href="/journeys/([a-z_]+)"', html)


def cards_in_order(html: str) -> list[str]:
    """Every result card's address in the order the page shows them."""
    return re.findall(r'<li class="card[^"]*">\s*<a href="(/(?:journeys|services)/[^"]+)"', html)


# --- The journeys explained ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_visitor_reads_the_list_of_journeys_in_one_language(language):
    html = page(visitor(language), "/journeys")
    assert f'<html lang="{language}"' in html
    assert NEWBORN[language] in html and MARRIED[language] in html
    assert 'href="/journeys/newborn"' in html and 'href="/journeys/married"' in html
    assert foreign_words(html, language) == []


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_newborn_journey_explains_each_step_its_agency_and_when_it_does_not_apply(language):
    html = page(visitor(language), "/journeys/newborn")
    english = language == "en"
    assert NEWBORN[language] in html
    # What starts it, who takes part.
    assert ("The hospital registers the birth" if english else "يسجّل المستشفى الولادة") in html
    assert ("Father" if english else "الأب") in html and ("Mother" if english else "الأم") in html
    # Each step links to its service's page, with its agency.
    for code in ("moh.birth-certificate", "paci.newborn-registration-kuwaiti", "csc.child-allowance"):
        assert f'href="/services/{code}"' in html
    assert ("Ministry of Health" if english else "وزارة الصحة") in html
    steps = re.findall(r'<li id="step-(\d+)">', html)
    assert steps == [str(n) for n in range(1, 9)]
    # How each runs.
    assert ("Runs by itself" if english else "تتم من تلقاء نفسها") in html
    assert ("Offered to you" if english else "تُعرض عليك") in html
    assert ("Needs a form" if english else "تحتاج إلى نموذج") in html
    # When a step does not apply, and why (the definition's reason).
    assert (
        "The baby is Kuwaiti and needs no residence permit."
        if english
        else "المولود كويتي فلا يحتاج إلى إقامة."
    ) in html
    # No starting it yourself: a birth in Kuwait is always in the registers.
    assert "/journeys/newborn/start" not in html
    assert foreign_words(html, language) == []


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_married_journey_says_it_can_be_started_after_a_marriage_abroad(language):
    html = page(visitor(language), "/journeys/married")
    assert MARRIED[language] in html
    assert ("Married abroad?" if language == "en" else "تزوجت خارج الكويت؟") in html
    assert 'href="/journeys/married/start"' in html
    assert 'href="/services/kcb.marriage-loan"' in html
    assert (
        "The marriage loan is paid to a Kuwaiti husband"
        if language == "en"
        else "يُصرف قرض الزواج للزوج الكويتي"
    ) in html
    assert foreign_words(html, language) == []


def test_people_logged_in_read_the_same_pages(login, demo):
    father = login(demo["father"], "en")
    assert NEWBORN["en"] in page(father, "/journeys")
    assert 'href="/journeys/married/start"' in page(father, "/journeys/married")


@pytest.mark.parametrize("code", ["funeral", "NEWBORN", "newborn_", "x" * 200])
def test_an_unknown_journey_is_404_in_the_persons_language(code):
    arabic = visitor("ar").get(f"/journeys/{code}")
    assert arabic.status_code == 404 and "لم نجد هذه الصفحة" in arabic.content.decode()
    english = visitor("en").get(f"/journeys/{code}")
    assert english.status_code == 404 and "We could not find this page" in english.content.decode()


def test_the_home_page_leads_to_the_journeys_and_the_figures():
    html = page(visitor("en"), "/")
    assert 'href="/journeys"' in html and 'href="/statistics"' in html


# --- Search finds journeys ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("مولود", ["newborn"]),
        ("مولود جديد", ["newborn"]),
        ("المواليد", ["newborn"]),  # a broken plural of مولود
        ("ولادة", ["newborn"]),
        ("زواج", ["married"]),
        ("الزواج", ["married"]),
        ("newborn", ["newborn"]),
        ("baby", ["newborn"]),
        ("marriage", ["married"]),
        ("wedding", ["married"]),
        ("newbron", ["newborn"]),  # two letters swapped
    ],
)
@pytest.mark.parametrize("language", ["ar", "en"])
def test_search_shows_the_journey_first_in_the_persons_language(typed, found, language):
    html = page(visitor(language), "/search", q=typed)
    assert journey_links(html) == found
    assert cards_in_order(html)[0] == f"/journeys/{found[0]}"  # above every service
    names = NEWBORN if found == ["newborn"] else MARRIED
    other = "en" if language == "ar" else "ar"
    assert names[language] in html and names[other] not in html
    assert foreign_words(html, language) == []


@pytest.mark.parametrize(("typed", "language"), [("رحلة", "ar"), ("journey", "en")])
def test_searching_for_a_journey_finds_every_journey(typed, language):
    html = page(visitor(language), "/search", q=typed)
    assert sorted(journey_links(html)) == ["married", "newborn"]


@pytest.mark.parametrize(
    "typed",
    [
        "new passport",
        "passport",
        "renewal",
        "تجديد",  # renewal: one letter from جديد (new), a keyword's word
        "تجديد جواز",
        "شهادة",  # certificate: a word of the keyword شهادة ميلاد, not the keyword
        "new",
        "civil id",
        "قرض",
        "marriage loan",  # the service, not the journey it is a step of
    ],
)
def test_a_search_for_services_shows_no_journey(typed):
    assert journey_links(page(visitor("en"), "/search", q=typed)) == []


def test_journeys_are_shown_on_the_first_page_of_results_only():
    first = page(visitor("ar"), "/search", q="زواج")
    assert journey_links(first) == ["married"]
    if 'rel="next"' in first:
        assert journey_links(page(visitor("ar"), "/search", q="زواج", page="2")) == []


def test_a_search_finding_journeys_only_does_not_say_nothing_matches():
    html = page(visitor("en"), "/search", q="journey")
    assert "No service matches these words" not in html


def test_searching_costs_no_query_more_once_the_journeys_are_kept():
    client = visitor("ar")
    client.get("/search", {"q": "مولود"})  # the catalogue's index and the journeys are kept
    with CaptureQueriesContext(connection) as queries:
        assert journey_links(page(client, "/search", q="زواج")) == ["married"]
    assert len(queries) == 0  # the services' cards are kept with the index too (ADR 0063)


# --- Statistics --------------------------------------------------------------------------------------


def figures_row(html: str, code: str) -> list[str]:
    row = re.search(rf'<tr id="journey-{code}">(.*?)</tr>', html, re.S)
    assert row, code
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_statistics_page_shows_each_journey_in_one_language(language):
    html = page(visitor(language), "/statistics")
    assert NEWBORN[language] in html and MARRIED[language] in html
    assert (
        "Median days from the event to the last step"
        if language == "en"
        else "وسيط الأيام من الحدث إلى آخر خطوة"
    ) in html
    assert foreign_words(html, language) == []


def test_the_figures_follow_journeys_started_and_completed(demo):
    """The statistics page (ADR 0060) counts journeys from its counters: a count below ten reads
    "fewer than 10"; the median needs ten completed journeys."""
    from django.core.management import call_command

    english = visitor("en")
    before = figures_row(page(english, "/statistics"), "newborn")
    assert before[1:] == ["fewer than 10", "fewer than 10", "—"]

    register.record_birth(a_birth(demo), timezone.localdate())
    run_tasks()
    cache.clear()  # the figures are kept for a minute
    assert figures_row(page(english, "/statistics"), "newborn")[1:] == ["fewer than 10", "fewer than 10", "—"]

    # Twelve journeys, eleven of them done in 1 to 11 days after the event: written as rows (no
    # events), so the counters are made again from them.
    journeys_taking("newborn", [*range(1, 12), None])
    call_command("rebuild_statistics", verbosity=0)
    cache.clear()
    assert figures_row(page(english, "/statistics"), "newborn")[1:] == ["13", "11", "6"]
    assert figures_row(page(visitor("ar"), "/statistics"), "newborn")[1:] == ["13", "11", "6"]


def journeys_taking(code: str, days: list[int | None]) -> None:
    """Journeys of `code` that took these days from the event to the last step (None: not done)."""
    version = JourneyVersion.objects.filter(code=code).order_by("-number").first()
    kuwait = timezone.get_current_timezone()
    for n, taken in enumerate(days):
        happened = dt.date(2026, 1, 1) + dt.timedelta(days=n)
        finished = (
            None
            if taken is None
            # Late in Kuwait's evening: in UTC the same day, and on Kuwait's calendar too.
            else dt.datetime.combine(happened + dt.timedelta(days=taken), dt.time(23, 30), tzinfo=kuwait)
        )
        Journey.objects.create(
            reference=f"J-T{code[:3].upper()}{n:06d}",
            version=version,
            code=code,
            record=f"test:{code}:{n}",
            happened_on=happened,
            state=Journey.State.IN_PROGRESS if taken is None else Journey.State.COMPLETED,
            finished_at=finished,
        )


def test_the_median_is_the_middle_journey_or_the_mean_of_the_two_middle_ones():
    newborn, married = [3, 10, 1, 7, 30, None], [2, 9, 4, 5, None, None, 60]
    journeys_taking("newborn", newborn)
    journeys_taking("married", married)
    counted = {f.code: f for f in figures.figures()}
    assert counted["newborn"] == figures.JourneyFigures("newborn", 6, 5, 7.0)
    assert counted["married"] == figures.JourneyFigures(
        "married", 7, 5, float(stats.median(d for d in married if d is not None))
    )
    Journey.objects.filter(code="married", record="test:married:6").delete()  # 2, 9, 4, 5: even
    assert {f.code: f.median_days for f in figures.figures()}["married"] == 4.5


def test_a_journey_finished_after_midnight_in_kuwait_counts_that_day():
    journeys_taking("newborn", [0])
    journey = Journey.objects.get(record="test:newborn:0")
    # 22:30 UTC is 01:30 the next morning in Kuwait: one day after the event, not none.
    Journey.objects.filter(pk=journey.pk).update(
        finished_at=dt.datetime.combine(journey.happened_on, dt.time(22, 30), tzinfo=dt.UTC)
    )
    assert {f.code: f.median_days for f in figures.figures()}["newborn"] == 1.0


def test_the_figures_are_counted_in_three_queries_whatever_the_number_of_journeys():
    journeys_taking("newborn", [1, 2, None])
    with CaptureQueriesContext(connection) as few:
        figures.figures()
    journeys_taking("married", [4, 5, 6, 7, None, None])
    with CaptureQueriesContext(connection) as more:
        figures.figures()
    assert len(few) == len(more) == 3


def test_a_new_version_is_shown_as_soon_as_it_is_published(tmp_path):
    from sahl.journeys.publishing import DEFINITIONS, load_journeys

    english = visitor("en")
    assert NEWBORN["en"] in page(english, "/journeys/newborn")
    changed = (DEFINITIONS / "newborn.yaml").read_text(encoding="utf-8")
    (tmp_path / "newborn.yaml").write_text(
        changed.replace("en: The newborn journey", "en: The new baby journey"), encoding="utf-8"
    )
    assert [(p.code, p.new) for p in load_journeys(tmp_path)] == [("newborn", True)]
    for path in ("/journeys/newborn", "/journeys", "/statistics"):
        assert "The new baby journey" in page(english, path), path
    assert journey_links(page(english, "/search", q="baby")) == ["newborn"]
