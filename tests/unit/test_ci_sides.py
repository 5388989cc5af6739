"""CI's two sides run every test at least once, and what gives the same result on both only once."""

import itertools

import pytest

from tests import ci_sides
from tests.ci_sides import POSTGRESQL, SQLITE, runs_on

MARKERS = ("presentation", "same_on_every_database", "every_database", "told_on_sqlite", "service_workers")
PLACES = ("tests/unit/test_x.py::t", "tests/integration/test_x.py::t", "tests/e2e/test_x.py::t")


def test_every_test_runs_on_at_least_one_side_whatever_its_markers():
    for place, language in itertools.product(PLACES, (None, "ar", "en")):
        for count in range(len(MARKERS) + 1):
            for markers in itertools.combinations(MARKERS, count):
                assert runs_on(place, markers, language), (place, markers, language)


@pytest.mark.parametrize(
    ("nodeid", "markers", "language", "sides"),
    [
        ("tests/unit/test_money.py::t", (), None, {SQLITE}),
        ("tests/integration/test_api.py::t", (), None, {SQLITE, POSTGRESQL}),
        ("tests/integration/test_simulators.py::t", ("same_on_every_database",), None, {SQLITE}),
        ("tests/e2e/test_static.py::t", ("presentation",), None, {SQLITE}),
        ("tests/e2e/test_mandates.py::t", (), None, {POSTGRESQL}),
        ("tests/e2e/test_complaints.py::t[ar]", (), "ar", {POSTGRESQL}),
        ("tests/e2e/test_complaints.py::t[en]", (), "en", {SQLITE}),
        ("tests/e2e/test_wallet.py::t", ("service_workers", "told_on_sqlite"), None, {SQLITE}),
        ("tests/e2e/test_concurrency.py::t", ("every_database",), None, {SQLITE, POSTGRESQL}),
        ("tests/e2e/test_journey_pages.py::t[en]", ("every_database",), "en", {SQLITE, POSTGRESQL}),
    ],
)
def test_each_kind_of_test_runs_where_the_rule_says(nodeid, markers, language, sides):
    assert runs_on(nodeid, markers, language) == sides


def test_an_unknown_side_is_refused_not_taken_for_none(monkeypatch):
    monkeypatch.setenv("SAHL_CI_SIDE", "postgres")
    with pytest.raises(ValueError, match="SAHL_CI_SIDE"):
        ci_sides.side()
    monkeypatch.setenv("SAHL_CI_SIDE", "")
    assert ci_sides.side() is None
