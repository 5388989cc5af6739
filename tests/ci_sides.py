"""Which side of CI runs a test. `.ci/run` runs `make test` twice, side by side on two cores: on
SQLite (`SAHL_CI_SIDE=sqlite`) and on PostgreSQL (`SAHL_CI_SIDE=postgresql`). What gives the same
result on both is run on one of them; everything runs at least once (ADR 0065). Without
SAHL_CI_SIDE, as `make test` on a laptop, everything runs.

- Unit tests, and tests marked `same_on_every_database` (they make their own database): SQLite.
- Browser tests marked `presentation` (HTML, layout, accessibility on crafted pages, static files):
  SQLite.
- Browser stories:
  - marked `every_database` (their outcome depends on the database: racing clicks, a killed
    worker, a payment with no answer): both sides;
  - marked `told_on_sqlite` (the browser does the work: passkeys, the wallet and its verifier,
    installing the app, the map; or a simulator `make run` serves): SQLite;
  - told in two languages: the English telling on SQLite, the Arabic one on PostgreSQL;
  - the rest: PostgreSQL, the database production runs on.
- Integration tests: both sides.

A story told on one side alone still has its pages checked there: axe-core and the HTML checker
run on both sides, over what each side opened.

A test that reads what an earlier story of its module left (test_refund's operator pages) runs
where that story runs: mark such a module whole, not test by test.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

SQLITE, POSTGRESQL = "sqlite", "postgresql"


def side() -> str | None:
    """This run's side of CI, if it is one."""
    found = os.environ.get("SAHL_CI_SIDE") or None
    if found not in (None, SQLITE, POSTGRESQL):
        raise ValueError(f"SAHL_CI_SIDE must be {SQLITE} or {POSTGRESQL}, not {found!r}")
    return found


def runs_on(nodeid: str, markers: Iterable[str], language: object = None) -> frozenset[str]:
    """The sides of CI that run the test `nodeid` with these marker names (and the `language`
    parameter of a story told in two)."""
    marked = set(markers)
    both = frozenset({SQLITE, POSTGRESQL})
    if nodeid.startswith("tests/unit/") or "same_on_every_database" in marked:
        return frozenset({SQLITE})
    if not nodeid.startswith("tests/e2e/") or "every_database" in marked:
        return both
    if "presentation" in marked or "told_on_sqlite" in marked or language == "en":
        return frozenset({SQLITE})
    return frozenset({POSTGRESQL})


def reason(here: str) -> str:
    """Why a test is skipped on the side `here`."""
    return f"CI runs it on {'PostgreSQL' if here == SQLITE else 'SQLite'} (tests/ci_sides.py)"
