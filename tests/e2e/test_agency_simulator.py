"""The whole loop with real processes: Sahl (gunicorn and its worker) on a fresh database, the
MEW agency simulator connected to it, and `manage.py agency_conformance` run against it; plain
HTTP, no browser. The conformance kit passes against the simulator and fails, saying why, against
a simulator told to misbehave; a clearance certificate a person files is completed by it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.agency import Simulator, running_simulator
from tests.e2e.conftest import ROOT, _fresh_database, _serve_on
from tests.e2e.helpers import HttpClient

# CI: SQLite; a simulator make run serves (the agency's system) (tests/ci_sides.py).
pytestmark = pytest.mark.told_on_sqlite

SERVICE = "mew.clearance-certificate"


@dataclass(frozen=True)
class Sahl:
    url: str
    env: dict[str, str]
    credentials: Path

    def manage(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def conformance(self, *args: str) -> tuple[int, str]:
        done = self.manage("agency_conformance", "--agency", "mew", "--decision-within", "3", *args)
        return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def sahl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sahl]:
    tmp = tmp_path_factory.mktemp("agency_loop")
    with _fresh_database(tmp, "e2e_agency") as database:
        env = {
            **os.environ,
            **database,
            "DJANGO_SETTINGS_MODULE": "sahl.settings",
            "SAHL_LOG_LEVEL": "WARNING",
        }
        with contextmanager(_serve_on)(tmp, env) as base:
            yield Sahl(base, env | {"SAHL_PUBLIC_URL": base}, tmp / "agency-mew.json")


@pytest.fixture(scope="module")
def mew(sahl: Sahl, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    """The MEW simulator, connected as `make run` connects it."""
    log = tmp_path_factory.mktemp("mew") / "simulator.log"
    with running_simulator("mew", sahl.url, sahl.credentials, decide_after=0.3, log_path=log) as simulator:
        done = sahl.manage(
            "connect_agency",
            "--agency",
            "mew",
            "--endpoint",
            simulator.endpoint,
            "--credentials",
            str(sahl.credentials),
        )
        assert done.returncode == 0, done.stderr
        yield simulator


@pytest.fixture
def sim(mew: Simulator) -> Iterator[Simulator]:
    mew.behaviour("ok", clear_references=True, decide=True)
    yield mew
    mew.behaviour("ok", clear_references=True, decide=True)


def lines(output: str, outcome: str) -> dict[str, str]:
    """The checklist's items with that outcome: {code: the whole line}."""
    found = {}
    for line in output.splitlines():
        if line.startswith(outcome):
            found[line.split()[1]] = line
    return found


def test_the_conformance_kit_passes_against_the_simulator(sahl, sim):
    code, output = sahl.conformance()
    assert code == 0, output
    assert set(lines(output, "PASS")) == {"a", "b1", "b2", "b3", "b4", "b5", "c", "d"}, output
    assert "accepted, reference MEW-" in lines(output, "PASS")["a"]
    assert "8 passed, 0 failed" in output
    assert "the agency decided: approved" in output

    # The simulator saw the test delivery twice (the duplicate) and refused five others
    stats = sim.stats()
    assert sorted(stats["events"].values()).count(2) >= 1
    assert stats["bad_signatures"] >= 5


def test_the_kit_fails_with_the_reason_when_the_agency_is_unavailable(sahl, sim):
    sim.behaviour("unavailable")
    code, output = sahl.conformance()
    assert code == 1, output
    failed = lines(output, "FAIL")
    assert set(failed) == {"a"}, output
    assert "answered HTTP 503" in failed["a"] and "Sahl would retry it later" in failed["a"]
    assert set(lines(output, "SKIP")) == {"b", "c", "d"}
    assert "withdrawn" in output  # the test application does not stay in a queue


def test_the_kit_fails_with_the_reason_when_the_agency_answers_garbage(sahl, sim):
    sim.behaviour("garbage")
    code, output = sahl.conformance()
    assert code == 1
    assert "HTTP 200 but answer is not JSON" in lines(output, "FAIL")["a"], output


def test_the_kit_fails_when_the_agency_does_not_check_signatures(sahl, mew, tmp_path):
    with running_simulator(
        "mew", sahl.url, sahl.credentials, skip_signature_check=True, log_path=tmp_path / "careless.log"
    ) as careless:
        code, output = sahl.conformance("--endpoint", careless.endpoint)
    assert code == 1, output
    failed = lines(output, "FAIL")
    assert set(failed) == {"b1", "b2", "b3", "b4", "b5"}, output
    assert all("the agency does not verify signatures" in line for line in failed.values())
    assert {"a", "c", "d"} <= set(lines(output, "PASS"))
    assert "3 passed, 5 failed (b1, b2, b3, b4, b5)" in output


def test_the_kit_fails_when_the_agency_never_reports_back(sahl, sim):
    sim.behaviour(decide=False)
    code, output = sahl.conformance("--report-within", "2")
    assert code == 1
    assert "nothing within 2 s" in lines(output, "FAIL")["d"], output
    assert "withdrawn" in output


def test_an_unknown_agency_or_one_without_a_system_is_refused_plainly(sahl):
    done = sahl.manage("agency_conformance", "--agency", "moi")
    assert done.returncode == 1
    assert "moi has no connected system: run manage.py connect_agency" in done.stderr


def test_a_clearance_certificate_a_person_files_is_completed_by_the_agencys_system(sahl, sim):
    # Given a person who files the MEW service that MEW's own system handles
    person = HttpClient(sahl.url).log_in("expat")
    reference = person.apply(SERVICE, {"clearance_for": "person", "purpose": "final_departure"})

    # When Sahl's worker delivers it and the simulator takes it on and decides
    stats = sim.wait_for(lambda s: s["decisions"].get(reference) == "approved", timeout=60)

    # Then the simulator received it once, and the person's application is completed with its certificate
    (event,) = [e for e, a in stats["answers"].items() if a["application"] == reference]
    assert stats["events"][event] == 1
    answer = person.get(f"/api/v1/applications/{reference}")
    application = json.loads(answer.text)
    assert application["state"] == "completed", application
    kinds = [event["kind"] for event in application["history"]]
    assert kinds.index("delivered") < kinds.index("agency_update") < kinds.index("approved")
    assert application["documents"], "the clearance certificate was issued"
