"""Deciding later, as an agency's system would: some time after taking an application on, report
"in progress" and then a decision through Sahl's inbound API. Each report has an Idempotency-Key
made from the event id, so retrying after Sahl was down (or after our own restart) never reports
twice. The rule: approve, unless an answer contains the reject word."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from typing import Any

from sahl.agency_sim.logs import emit
from sahl.agency_sim.sahl_client import Final, Retry, SahlClient
from sahl.agency_sim.state import Store

LONGEST_WAIT = 30.0  # seconds between tries while Sahl is down
PROGRESS_NOTE = "قيد الدراسة لدى نظام الجهة (محاكاة) | Being worked on by the agency's system (simulated)"
REJECTION = "رُفض الطلب لأن إحدى الإجابات تطلب ذلك (محاكاة) | Rejected: an answer asks for it (simulated)"


def outcome_for(answers: Any, reject_word: str) -> str:
    """approved, or rejected when any answer (at any depth) contains the reject word."""

    def texts(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [t for v in value.values() for t in texts(v)]
        if isinstance(value, list):
            return [t for v in value for t in texts(v)]
        return []

    word = reject_word.lower()
    return "rejected" if word and any(word in t.lower() for t in texts(answers)) else "approved"


class Decider:
    def __init__(self, store: Store, client: SahlClient, stop: threading.Event, threads: int = 2) -> None:
        self.store, self.client, self.stop, self.threads = store, client, stop, threads
        self.queue: list[tuple[float, int, str]] = []
        self.order = itertools.count()
        self.ready = threading.Condition()

    def start(self) -> None:
        for event_id in list(self.store.jobs):  # reports a previous run left undone
            self._push(event_id, 0)
        for number in range(self.threads):
            threading.Thread(target=self._loop, name=f"decider-{number}", daemon=True).start()

    def take_on(self, event_id: str, reference: str, outcome: str) -> None:
        """Called, under the store's lock, when an application is taken on."""
        behaviour = self.store.behaviour
        if not behaviour.decide:
            self.store.decisions[reference] = "not reporting"
            return
        self.store.jobs[event_id] = {"reference": reference, "step": "status", "outcome": outcome, "tries": 0}
        self._push(event_id, behaviour.decide_after)

    def _push(self, event_id: str, delay: float) -> None:
        with self.ready:
            heapq.heappush(self.queue, (time.monotonic() + delay, next(self.order), event_id))
            self.ready.notify()

    def _next(self) -> str | None:
        with self.ready:
            while not self.stop.is_set():
                if self.queue and self.queue[0][0] <= time.monotonic():
                    return heapq.heappop(self.queue)[2]
                wait = self.queue[0][0] - time.monotonic() if self.queue else 0.5
                self.ready.wait(timeout=min(0.5, max(0.01, wait)))
        return None

    def _loop(self) -> None:
        while (event_id := self._next()) is not None:
            try:
                self._report(event_id)
            except Exception as error:  # a bug here must not stop the other reports
                emit("report_error", event_id=event_id, error=type(error).__name__)
                self._push(event_id, LONGEST_WAIT)

    def _report(self, event_id: str) -> None:
        with self.store.lock:
            job = self.store.jobs.get(event_id)
            if job is None:
                return
            job = dict(job)
        reference, step = job["reference"], job["step"]
        key = f"{self.store.agency.lower()}-sim-{event_id}-{step}"
        if step == "status":
            path, body = f"applications/{reference}/status", {"status": "in_progress", "note": PROGRESS_NOTE}
        else:
            reason = REJECTION if job["outcome"] == "rejected" else ""
            path, body = f"applications/{reference}/decision", {"outcome": job["outcome"], "reason": reason}
        try:
            self.client.write(path, body, key)
        except Retry as why:
            tries = job["tries"] + 1
            delay = min(LONGEST_WAIT, 0.5 * 2 ** min(tries, 10))
            self._update(event_id, tries=tries)
            emit("report_retry", event_id=event_id, reference=reference, step=step, why=str(why), wait=delay)
            self._push(event_id, delay)
            return
        except Final as why:
            self._finish(event_id, reference, f"refused: {why}")
            emit("report_refused", event_id=event_id, reference=reference, step=step, why=str(why))
            return
        emit("reported", event_id=event_id, reference=reference, step=step, outcome=body.get("outcome"))
        if step == "status":
            self._update(event_id, step="decision", tries=0)
            self._push(event_id, 0)
        else:
            self._finish(event_id, reference, job["outcome"])

    def _update(self, event_id: str, **changes: Any) -> None:
        with self.store.lock:
            if event_id in self.store.jobs:
                self.store.jobs[event_id].update(changes)
            self.store.save()

    def _finish(self, event_id: str, reference: str, what: str) -> None:
        with self.store.lock:
            self.store.jobs.pop(event_id, None)
            self.store.decisions[reference] = what
            self.store.save()
