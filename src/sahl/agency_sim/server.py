"""The simulated agency's HTTP server (stdlib, one thread per request).

POST /deliveries       a delivery from Sahl: checked, de-duplicated, answered as the behaviour says
GET  /_sim/stats       what it saw: {"events": {event_id: arrivals}, "accepted": n, ...}
POST /_sim/behaviour   change the behaviour while running (see state.Behaviour.change)
POST /_sim/reset       forget what was seen (reference numbers go on)
GET  /_sim/health      {"status": "ok"}
"""

from __future__ import annotations

import json
import logging
import select
import signal
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

from sahl.agency_sim import verify
from sahl.agency_sim.config import Config
from sahl.agency_sim.decider import Decider, outcome_for
from sahl.agency_sim.keys import KeysUnavailable, SahlKeys
from sahl.agency_sim.logs import emit, set_context
from sahl.agency_sim.sahl_client import SahlClient
from sahl.agency_sim.state import BadBehaviour, Behaviour, Store

MAX_BODY = 1024 * 1024
GARBAGE = b"<html><body>Internal error<br>\x00\x01 not json at all</body></html>"
REJECTED = {
    "ar": "رفض نظام الجهة الطلب (محاكاة)",
    "en": "The agency's system refused the application (simulated)",
}


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    delay: float = 0.0  # seconds before answering (slow)
    hang: bool = False  # never answer (timeout)


def _json(status: int, data: Any, delay: float = 0.0) -> Reply:
    return Reply(status, json.dumps(data, ensure_ascii=False).encode(), delay=delay)


class Simulator:
    def __init__(self, config: Config) -> None:
        self.config, self.stop = config, threading.Event()
        behaviour = Behaviour(
            mode=config.behaviour,
            slow_seconds=config.slow_seconds,
            decide_after=config.decide_after,
            decide=config.decide,
        )
        self.store = Store(config.agency, config.state, behaviour)
        self.keys = SahlKeys(config.keys_url, config.keys)
        self.client = SahlClient(config.sahl, config.credentials)
        self.decider = Decider(self.store, self.client, self.stop)

    def delivery(self, request: verify.Request) -> Reply:
        if not self.config.skip_signature_check:
            try:
                kid = verify.verify(request, self.keys.find, time.time())
            except verify.Refused as why:
                with self.store.lock:
                    self.store.counts["bad_signatures"] += 1
                emit("delivery_refused", status=401, reason=str(why))
                return _json(401, {"error": "invalid_signature", "reason": str(why)})
            except KeysUnavailable:
                emit("delivery_failed", status=503, reason="cannot fetch Sahl's keys")
                return _json(503, {"error": "keys_unavailable", "reason": "cannot fetch Sahl's keys"})
        else:
            kid = "-"
        try:
            data = json.loads(request.body)
            event_id, application = data["event_id"], data["application"]
            reference = application["reference"]
            if not isinstance(event_id, str) or not isinstance(reference, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            emit("delivery_failed", status=400, reason="not a delivery")
            return _json(400, {"error": "bad_request", "reason": "not a delivery body (docs/agency-api.md)"})
        if request.field("sahl-event-id") not in (None, event_id):  # signed, so present when checked
            return _json(400, {"error": "bad_request", "reason": "Sahl-Event-Id differs from event_id"})
        reply = self._answer(event_id, reference, application.get("answers"))
        emit("delivery", event_id=event_id, reference=reference, kid=kid, status=reply.status)
        return reply

    def _answer(self, event_id: str, reference: str, answers: Any) -> Reply:
        store = self.store
        with store.lock:
            store.arrivals[event_id] += 1
            behaviour = store.behaviour
            mode = behaviour.for_reference(reference)
            delay = behaviour.slow_seconds if mode == "slow" else 0.0
            if mode in ("unavailable", "garbage", "timeout"):
                store.counts["failed"] += 1
                store.save()
                if mode == "unavailable":
                    return _json(503, {"error": "unavailable", "reason": "the system is down (simulated)"})
                if mode == "garbage":
                    return Reply(200, GARBAGE, "text/html")
                return Reply(0, hang=True)
            stored = store.answers.get(event_id)
            if stored is not None:
                store.counts["duplicates"] += 1
                store.save()
                return _json(stored["status"], stored["body"], delay)
            if mode == "refuse422":
                store.counts["refused"] += 1
                store.save()
                return _json(422, {"error": "unprocessable", "reason": "refused by the simulator"})
            if mode == "reject":
                body: dict[str, Any] = {"status": "rejected", "reason": REJECTED}
                store.counts["rejected"] += 1
            else:
                if mode == "pending":
                    body = {"status": "pending"}
                    store.counts["pending"] += 1
                else:
                    body = {"status": "accepted", "reference": store.new_reference()}
                    store.counts["accepted"] += 1
                self.decider.take_on(event_id, reference, outcome_for(answers, self.config.reject_word))
            store.answers[event_id] = {"status": 200, "body": body, "reference": reference}
            store.save()
        return _json(200, body, delay)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hanging answer (timeout) never holds up shutdown
    simulator: Simulator


class Handler(BaseHTTPRequestHandler):
    server_version = "SahlAgencySimulator/1"
    timeout = 30  # seconds to read a request

    @property
    def sim(self) -> Simulator:
        return cast(_Server, self.server).simulator

    def log_message(self, format: str, *args: Any) -> None:
        pass  # our own JSON lines instead (no client addresses, no paths with data)

    def do_GET(self) -> None:
        if self.path == "/_sim/stats":
            self._send(_json(200, self.sim.store.stats()))
        elif self.path == "/_sim/health":
            self._send(_json(200, {"status": "ok", "agency": self.sim.config.agency}))
        else:
            self._send(_json(404, {"error": "not_found"}))

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._send(_json(400, {"error": "bad_request", "reason": "bad Content-Length"}))
            return
        if length > MAX_BODY:
            self._send(_json(413, {"error": "too_large"}))
            return
        body = self.rfile.read(length) if length else b""
        if self.path == "/deliveries":
            target = self.sim.config.endpoint_url or f"http://{self.headers.get('Host', '')}{self.path}"
            request = verify.Request("POST", target, list(self.headers.items()), body)
            self._send(self.sim.delivery(request))
        elif self.path == "/_sim/behaviour":
            self._send(self._behaviour(body))
        elif self.path == "/_sim/reset":
            self.sim.store.reset()
            emit("reset")
            self._send(_json(200, {"status": "reset"}))
        else:
            self._send(_json(404, {"error": "not_found"}))

    def _behaviour(self, body: bytes) -> Reply:
        try:
            with self.sim.store.lock:
                self.sim.store.behaviour.change(json.loads(body or b"{}"))
                now = self.sim.store.behaviour.as_dict()
        except (ValueError, BadBehaviour) as error:
            return _json(400, {"error": "bad_request", "reason": str(error)})
        emit("behaviour", **now)
        return _json(200, now)

    def _send(self, reply: Reply) -> None:
        if reply.hang:
            self._hang()
            return
        if reply.delay and self.sim.stop.wait(reply.delay):
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        if reply.status == 503:
            self.send_header("Retry-After", "30")
        self.end_headers()
        self.wfile.write(reply.body)

    def _hang(self) -> None:
        """Say nothing until the client gives up (closes), the simulator stops, or hang_seconds."""
        self.close_connection = True
        deadline = time.monotonic() + self.sim.config.hang_seconds
        while not self.sim.stop.is_set() and time.monotonic() < deadline:
            readable, _, _ = select.select([self.connection], [], [], 0.2)
            if readable:
                try:
                    if not self.connection.recv(1, socket.MSG_PEEK):
                        return  # the client closed the connection
                except OSError:
                    return
                time.sleep(0.2)


def run(config: Config) -> None:
    """Serve until SIGINT or SIGTERM."""
    set_context(agency=config.agency)
    for noisy in ("httpx", "httpcore"):  # one line per request, beside our own log
        logging.getLogger(noisy).setLevel(logging.WARNING)
    simulator = Simulator(config)
    server = _Server((config.host, config.port), Handler)
    server.simulator = simulator
    port = server.server_address[1]
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: simulator.stop.set())
    simulator.decider.start()
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    serving.start()
    emit(
        "listening",
        host=config.host,
        port=port,
        endpoint=config.endpoint_url or f"http://{config.host}:{port}/deliveries",
        behaviour=config.behaviour,
        signature_check=not config.skip_signature_check,
    )
    simulator.stop.wait()
    server.shutdown()
    server.server_close()
    simulator.store.save()
    simulator.client.close()
    emit("stopped")
