"""What the simulated agency remembers: every event id it saw and how often, the answer it gave
each event it took (a repeat gets the same answer), its own reference numbers, the decisions it
still has to report, and how it is told to behave. In memory, and in a JSON file of its own when
started with --state (written atomically after each change)."""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sahl.agency_sim.config import MODES


class BadBehaviour(ValueError):
    """A request to /_sim/behaviour that cannot be followed."""


@dataclass
class Behaviour:
    mode: str = "ok"
    overrides: dict[str, str] = field(default_factory=dict)  # application reference -> mode
    slow_seconds: float = 5.0
    decide_after: float = 2.0
    decide: bool = True

    def for_reference(self, reference: str) -> str:
        return self.overrides.get(reference, self.mode)

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "for_references": dict(self.overrides),
            "slow_seconds": self.slow_seconds,
            "decide_after": self.decide_after,
            "decide": self.decide,
        }

    def change(self, request: Any) -> None:
        """POST /_sim/behaviour: {"mode": m} sets the mode of every application without one of its
        own; {"mode": m, "for_references": [...]} sets theirs ("ok" among them: back to normal);
        {"clear_references": true} forgets them all; slow_seconds, decide_after, decide as well."""
        if not isinstance(request, dict):
            raise BadBehaviour("a JSON object is expected")
        mode = request.get("mode")
        if mode is not None and mode not in MODES:
            raise BadBehaviour(f"mode must be one of {', '.join(MODES)}")
        references = request.get("for_references")
        if references is not None and (
            not isinstance(references, list) or not all(isinstance(r, str) for r in references)
        ):
            raise BadBehaviour("for_references must be a list of application references")
        numbers = {}
        for name in ("slow_seconds", "decide_after"):
            if name in request:
                value = request[name]
                if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 3600:
                    raise BadBehaviour(f"{name} must be a number of seconds (0 to 3600)")
                numbers[name] = float(value)
        if "decide" in request and not isinstance(request["decide"], bool):
            raise BadBehaviour("decide must be true or false")
        if request.get("clear_references"):
            self.overrides.clear()
        if references is not None:
            if mode is None:
                raise BadBehaviour("for_references needs a mode")
            for reference in references:
                if mode == "ok":
                    self.overrides.pop(reference, None)
                else:
                    self.overrides[reference] = mode
        elif mode is not None:
            self.mode = mode
        for name, value in numbers.items():
            setattr(self, name, value)
        if "decide" in request:
            self.decide = request["decide"]


class Store:
    def __init__(self, agency: str, path: str | None, behaviour: Behaviour) -> None:
        self.agency = agency.upper()
        self.path = Path(path) if path else None
        self.behaviour = behaviour
        self.lock = threading.RLock()
        self.arrivals: Counter[str] = Counter()  # event id -> arrivals with a valid signature
        self.answers: dict[str, dict[str, Any]] = {}  # event id -> {status, body, reference}
        self.counts: Counter[str] = Counter()
        self.last_number = 0
        self.decisions: dict[str, str] = {}  # application reference -> what was reported
        self.jobs: dict[str, dict[str, Any]] = {}  # event id -> a report still to make
        self._load()

    def new_reference(self) -> str:
        with self.lock:
            self.last_number += 1
            return f"{self.agency}-{self.last_number}"

    def stats(self) -> dict[str, Any]:
        with self.lock:
            return {
                "agency": self.agency.lower(),
                "events": dict(self.arrivals),
                "accepted": self.counts["accepted"],
                "pending": self.counts["pending"],
                "rejected": self.counts["rejected"],
                "duplicates": self.counts["duplicates"],
                "refused": self.counts["refused"],
                "failed": self.counts["failed"],
                "bad_signatures": self.counts["bad_signatures"],
                "answers": {  # event id -> the application, and the answer every arrival gets
                    event: {"application": a["reference"], "http_status": a["status"], "body": a["body"]}
                    for event, a in self.answers.items()
                },
                "decisions": dict(self.decisions),
                "reports_waiting": len(self.jobs),
                "behaviour": self.behaviour.as_dict(),
            }

    def reset(self) -> None:
        """Forget everything seen (tests reuse one simulator); the reference numbers go on."""
        with self.lock:
            self.arrivals.clear()
            self.answers.clear()
            self.counts.clear()
            self.decisions.clear()
            self.jobs.clear()
            self.save()

    def save(self) -> None:
        if self.path is None:
            return
        with self.lock:
            data = {
                "arrivals": self.arrivals,
                "answers": self.answers,
                "counts": self.counts,
                "last_number": self.last_number,
                "decisions": self.decisions,
                "jobs": self.jobs,
            }
            temporary = self.path.with_name(self.path.name + ".tmp")
            temporary.write_text(json.dumps(data))
            os.replace(temporary, self.path)

    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        data = json.loads(self.path.read_text())
        self.arrivals.update(data.get("arrivals", {}))
        self.answers.update(data.get("answers", {}))
        self.counts.update(data.get("counts", {}))
        self.last_number = int(data.get("last_number", 0))
        self.decisions.update(data.get("decisions", {}))
        self.jobs.update(data.get("jobs", {}))
