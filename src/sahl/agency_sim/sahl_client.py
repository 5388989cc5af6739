"""The agency's calls to Sahl's inbound API: a token by OAuth 2.0 client credentials (HTTP Basic),
then Bearer calls, each write with an Idempotency-Key so that a retry never does a thing twice."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx

RETRYABLE = frozenset({408, 425, 429})


class Retry(Exception):
    """Sahl could not be reached or asked us to come back (down, 5xx, 429): try again later."""


class Final(Exception):
    """Sahl refused the call for good (404, 409, 400...): trying again cannot help."""


def _problem_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        return str(body.get("code") or body.get("error") or "")
    return ""


class SahlClient:
    def __init__(self, base: str, credentials: str, timeout: float = 10.0) -> None:
        self.base, self.credentials_path = base.rstrip("/"), Path(credentials)
        self.http = httpx.Client(timeout=httpx.Timeout(timeout, connect=3.0), follow_redirects=False)
        self.lock = threading.Lock()
        self.token_value, self.token_until = "", 0.0

    def close(self) -> None:
        self.http.close()

    def _credentials(self) -> tuple[str, str]:
        """Read each time a token is needed: a rotated credential in the file is picked up."""
        try:
            data = json.loads(self.credentials_path.read_text())
            return str(data["client_id"]), str(data["client_secret"])
        except (OSError, ValueError, KeyError):
            raise Retry(f"no client_id/client_secret in {self.credentials_path}") from None

    def token(self) -> str:
        with self.lock:
            if self.token_value and time.monotonic() < self.token_until:
                return self.token_value
            client_id, secret = self._credentials()
            try:
                response = self.http.post(
                    f"{self.base}/api/v1/agency/token",
                    data={"grant_type": "client_credentials"},
                    auth=(client_id, secret),
                )
            except httpx.HTTPError as error:
                raise Retry(f"token: {type(error).__name__}") from None
            if response.status_code != 200:
                raise Retry(f"token: HTTP {response.status_code} {_problem_code(response)}".strip())
            try:
                body = response.json()
                self.token_value = str(body["access_token"])
                lifetime = float(body.get("expires_in", 300))
            except (ValueError, KeyError, TypeError):
                raise Retry("token: the answer is not a token") from None
            self.token_until = time.monotonic() + max(1.0, lifetime - 30)
            return self.token_value

    def forget_token(self) -> None:
        with self.lock:
            self.token_value, self.token_until = "", 0.0

    def write(self, path: str, body: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        """POST a JSON body under /api/v1/agency/; the answer, or Retry / Final."""
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self.token()}", "Idempotency-Key": idempotency_key}
            try:
                response = self.http.post(f"{self.base}/api/v1/agency/{path}", json=body, headers=headers)
            except httpx.HTTPError as error:
                raise Retry(f"{type(error).__name__}") from None
            status = response.status_code
            if status == 401 and attempt == 1:  # the token expired or its credential was revoked
                self.forget_token()
                continue
            if 200 <= status < 300:
                try:
                    answer = response.json()
                except ValueError:
                    answer = {}
                return answer if isinstance(answer, dict) else {}
            why = f"HTTP {status} {_problem_code(response)}".strip()
            if status >= 500 or status in RETRYABLE or status == 401:
                raise Retry(why)
            raise Final(why)
        raise Retry("unauthorised")
