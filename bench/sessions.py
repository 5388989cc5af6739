"""Log synthetic people in over HTTP, as a browser does, and keep each one's session cookie.

The login form is at /accounts/login/ (`login` = civil ID, `password`, the CSRF token from the
form). allauth limits logins to 30 a minute per client address (its default "login" rate limit,
kept by Sahl's settings, counted in each worker's local memory), so logins are spread over
several loopback source addresses (127.0.0.2, 127.0.0.3...): every address of 127.0.0.0/8 is the
loopback interface, the server still listens on 127.0.0.1 only and nothing leaves the machine.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

PER_ADDRESS = 25  # logins per source address, under allauth's 30 a minute
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NAMED_KEY = re.compile(r"sessionid=\d+-")  # a session key that starts with its user's id (ADR 0068)


@dataclass(frozen=True)
class Session:
    civil_id: str
    cookie: str  # the Cookie header: sessionid and csrftoken
    csrf: str  # the CSRF secret of the session, accepted as the form's csrfmiddlewaretoken

    def get(self, base: str, path: str) -> httpx.Response:
        return httpx.get(base + path, headers={"Cookie": self.cookie}, timeout=30.0)


def log_in(base: str, civil_id: str, password: str, address: str) -> Session | None:
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=base, transport=transport, timeout=60.0) as client:
        form = client.get("/accounts/login/")
        match = CSRF_FIELD.search(form.text)
        if form.status_code != 200 or not match:
            return None
        done = client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": match.group(1), "login": civil_id, "password": password},
        )
        session, csrf = client.cookies.get("sessionid"), client.cookies.get("csrftoken")
        # A good login answers 302 to the home page; a second-factor step would go to /accounts/2fa/.
        if done.status_code != 302 or "/accounts/" in done.headers.get("location", "") or not session:
            return None
        return Session(civil_id, f"sessionid={session}; csrftoken={csrf}", csrf or "")


def log_in_all(base: str, civil_ids: list[str], password: str, parallel: int = 4) -> list[Session]:
    """Logs everyone in (a few at a time: each login is one Argon2 check, 0.3 s to 1 s of CPU here)."""
    if not civil_ids:
        return []
    addresses = [f"127.0.0.{2 + i // PER_ADDRESS}" for i in range(len(civil_ids))]
    if len(civil_ids) > PER_ADDRESS * 250:
        sys.exit("bench: too many logins for the loopback addresses used")
    pairs = list(zip(civil_ids, addresses, strict=True))
    found = _parallel(lambda pair: log_in(base, pair[0], password, pair[1]), pairs, parallel)
    sessions = [s for s in found if s is not None]
    failed = len(civil_ids) - len(sessions)
    if failed:
        print(f"bench: {failed} of {len(civil_ids)} logins failed (wrong password or a second factor?)")
    return sessions


def _parallel(work: Callable[[Any], Any], items: Iterable[Any], threads: int) -> list[Any]:
    """`work` over `items` a few at a time; on Ctrl-C the queued items are dropped at once (the
    default shutdown would log everyone in first) so that bench.run can stop the servers."""
    pool = ThreadPoolExecutor(threads)
    try:
        done = list(pool.map(work, items))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return done


def first_reference(base: str, session: Session) -> str | None:
    """One of the person's own applications, as the API lists them (newest first)."""
    response = session.get(base, "/api/v1/applications")
    if response.status_code != 200:
        return None
    mine = [a["reference"] for a in response.json() if not a["reference"].startswith("fl-")]
    return mine[0] if mine else None


def load_cached(path: Path, base: str) -> dict[str, tuple[Session, str]]:
    """Sessions kept by an earlier run that still work (Sahl logs out after an hour idle), each with
    one of the person's references: a second run within the hour logs in only who is new."""
    if not path.exists():
        return {}
    kept = [Session(**fields) for fields in json.loads(path.read_text())]
    # Sessions from before ADR 0068 still work but are read the slow way, as no live one is.
    kept = [s for s in kept if NAMED_KEY.search(s.cookie)]
    references = _parallel(lambda s: first_reference(base, s), kept, 4)
    return {s.civil_id: (s, ref) for s, ref in zip(kept, references, strict=True) if ref}


def save(path: Path, sessions: list[Session]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(s) for s in sessions]))
    path.chmod(0o600)  # live session cookies of the bench database's synthetic people
