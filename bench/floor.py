"""The floor: what the same machine does with no framework at all, a raw ASGI callable on asyncpg.

Served by `uvicorn bench.floor:app --workers 2` (uvloop, httptools) against Sahl's own database,
it answers two endpoints that carry only the database work of two of Sahl's requests:

- `GET /read/<reference>/<civil_id>`: the main query of "application detail", the very SQL that
  `applications.reading.application_for` sends (one application by reference, visible to the
  person as subject or party, with its service, version, agency and decision), returned as JSON.
- `POST /insert/<user_id>/<civil_id>`: one INSERT of an application row in its own transaction,
  as `_new_application` would write it (service, version, agency from the renewal service). The
  rows are kept while the scenario runs (every reference starts with `FLOOR_PREFIX`, state
  `withdrawn` so that no draft, open case or queue sees them) and deleted by bench/run.py before
  and after the scenario, so the table does not grow from one run to the next.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

FLOOR_PREFIX = "fl-"
SERVICE = "moi.vehicle-registration-renewal"

# What Django sends for application_for(person, reference) (printed from the queryset's .query).
READ = """
SELECT DISTINCT a.id, a.reference, a.service_id, a.version_id, a.agency_id, a.applicant_id,
       a.subject_civil_id, a.state, a.form_data, a.fee_fils, a.assigned_to_id, a.created_at,
       a.updated_at, a.submitted_at, a.decided_at, a.due_on, a.paused_since,
       s.id, s.code, s.agency_id, s.category_id, s.current_version_id, s.is_active, s.name_ar,
       s.name_en, s.description_ar, s.description_en, s.fee_fils, s.working_days, s.processing,
       s.for_individuals, s.for_businesses, s.popular, s.search_text,
       v.id, v.service_id, v.number, v.digest, v.definition, v.source, v.published_at,
       g.id, g.code, g.name_ar, g.name_en, g.description_ar, g.description_en, g.position,
       d.id, d.application_id, d.outcome, d.reason, d.decided_by_id, d.decided_at
FROM applications_application a
LEFT OUTER JOIN applications_party p ON a.id = p.application_id
INNER JOIN catalogue_service s ON a.service_id = s.id
INNER JOIN catalogue_serviceversion v ON a.version_id = v.id
INNER JOIN catalogue_agency g ON a.agency_id = g.id
LEFT OUTER JOIN applications_decision d ON a.id = d.application_id
WHERE (a.subject_civil_id = $2 OR p.civil_id = $2) AND a.reference = $1
"""

INSERT = """
INSERT INTO applications_application (reference, service_id, version_id, agency_id, applicant_id,
    subject_civil_id, state, form_data, register_facts, fee_fils, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, 'withdrawn', '{}'::jsonb, '{}'::jsonb, 0, now(), now())
RETURNING id
"""

Send = Callable[[dict[str, Any]], Awaitable[None]]
_state: dict[str, Any] = {}


def _dsn() -> str:
    return os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sahl_bench")


async def _startup() -> None:
    # One pool per worker process, as Django keeps one persistent connection per worker thread.
    pool = await asyncpg.create_pool(_dsn(), min_size=4, max_size=int(os.environ.get("FLOOR_POOL", "8")))
    row = await pool.fetchrow(
        "SELECT id, current_version_id, agency_id FROM catalogue_service WHERE code = $1", SERVICE
    )
    if row is None:
        raise RuntimeError(f"no service {SERVICE}: load the catalogue first")
    _state.update(pool=pool, service=tuple(row))


async def _respond(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _read(reference: str, civil_id: str) -> tuple[int, bytes]:
    row = await _state["pool"].fetchrow(READ, reference, civil_id)
    if row is None:
        return 404, b'{"error": "not found"}'
    # The fields the page shows first; the rest was fetched as Django fetches it.
    body = {"reference": row[1], "state": row[7], "service": row[24], "agency": row[44], "outcome": row[50]}
    return 200, json.dumps(body, ensure_ascii=False).encode()


async def _insert(user_id: str, civil_id: str) -> tuple[int, bytes]:
    service, version, agency = _state["service"]
    reference = FLOOR_PREFIX + secrets.token_hex(8)
    new_id = await _state["pool"].fetchval(
        INSERT, reference, service, version, agency, int(user_id), civil_id
    )
    return 201, json.dumps({"id": new_id, "reference": reference}).encode()


async def app(scope: dict[str, Any], receive: Callable[[], Awaitable[dict[str, Any]]], send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await _startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await _state["pool"].close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    parts = scope["path"].strip("/").split("/")
    if scope["method"] == "GET" and parts[0] == "health":
        await _respond(send, 200, b'{"ok": true}')
    elif scope["method"] == "GET" and parts[0] == "read" and len(parts) == 3:
        await _respond(send, *await _read(parts[1], parts[2]))
    elif scope["method"] == "POST" and parts[0] == "insert" and len(parts) == 3:
        while (await receive()).get("more_body"):  # drain the (empty) request body
            pass
        await _respond(send, *await _insert(parts[1], parts[2]))
    else:
        await _respond(send, 404, b'{"error": "no such endpoint"}')
