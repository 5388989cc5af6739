"""How the simulator is started (command-line options shared by `manage.py run_agency_simulator`
and `python -m sahl.agency_sim`)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# What the simulated system does with a delivery. slow, unavailable, timeout and garbage stand
# for a broken system and apply to repeated events too; ok, pending, reject and refuse422 are
# answers, and a repeated event gets the answer its first arrival got.
MODES = ("ok", "pending", "slow", "unavailable", "timeout", "garbage", "reject", "refuse422")


@dataclass(frozen=True)
class Config:
    agency: str
    sahl: str  # Sahl's base URL, e.g. http://localhost:8000
    credentials: str  # JSON file with client_id and client_secret
    port: int = 8801
    host: str = "127.0.0.1"
    behaviour: str = "ok"
    decide_after: float = 2.0
    decide: bool = True
    slow_seconds: float = 5.0
    hang_seconds: float = 300.0
    state: str | None = None
    skip_signature_check: bool = False
    endpoint_url: str | None = None
    keys: str | None = None
    reject_word: str = "reject"

    @property
    def keys_url(self) -> str:
        return f"{self.sahl.rstrip('/')}/api/v1/agency/keys/{self.agency}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--agency", required=True, help="the agency's code, e.g. mew")
    parser.add_argument("--port", type=int, default=8801, help="0: any free port (logged at start)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--sahl", required=True, help="Sahl's base URL, e.g. http://localhost:8000")
    parser.add_argument("--credentials", required=True, help="JSON file with client_id, client_secret")
    parser.add_argument("--behaviour", choices=MODES, default="ok")
    parser.add_argument("--decide-after", type=float, default=2.0, help="seconds before deciding")
    parser.add_argument("--no-decide", action="store_true", help="never report back to Sahl")
    parser.add_argument("--slow-seconds", type=float, default=5.0, help="delay of the slow behaviour")
    parser.add_argument("--hang-seconds", type=float, default=300.0, help="longest hang of timeout")
    parser.add_argument("--state", help="keep events and answers in this JSON file across restarts")
    parser.add_argument(
        "--skip-signature-check", action="store_true", help="misbehave: accept unsigned deliveries"
    )
    parser.add_argument(
        "--endpoint-url",
        help="the URL Sahl posts to, as signed (default: http://<Host header><path> of each request)",
    )
    parser.add_argument("--keys", help="a JWKS file of Sahl's keys handed over at onboarding")
    parser.add_argument("--reject-word", default="reject", help="an answer containing it is rejected")


def from_options(options: Mapping[str, Any]) -> Config:
    return Config(
        agency=options["agency"],
        sahl=options["sahl"].rstrip("/"),
        credentials=options["credentials"],
        port=options["port"],
        host=options["host"],
        behaviour=options["behaviour"],
        decide_after=options["decide_after"],
        decide=not options["no_decide"],
        slow_seconds=options["slow_seconds"],
        hang_seconds=options["hang_seconds"],
        state=options["state"],
        skip_signature_check=options["skip_signature_check"],
        endpoint_url=options["endpoint_url"],
        keys=options["keys"],
        reject_word=options["reject_word"],
    )
