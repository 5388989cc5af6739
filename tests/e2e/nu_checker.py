"""The Nu HTML checker (vnu.jar, from the npm package `vnu-jar` that `make .venv/.test` installs) over
every page the browser tests open, in Arabic and in English.

Each context the tests' browsers open is watched: the HTML of every document it loads is kept as
the server sent it (the markup, not the DOM that scripts changed), and every address it opened with
a GET is fetched again, with the same cookies, in the other language (its twin) when the context
closes. The checker runs once, at the end of the session, over all of them: the JVM takes seconds
to start.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = Path(os.environ.get("SAHL_VNU_JAR", ROOT / ".venv/vnu/node_modules/vnu-jar/build/dist/vnu.jar"))
LANGUAGE_COOKIE = "sahl_language"
VNU_OPTIONS = ("--errors-only", "--format", "json", "--stdout", "--exit-zero-always")
_LANG = re.compile(r"<html[^>]*\blang=\"(\w+)")
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*')  # a new mask every time


@dataclass(frozen=True)
class Page:
    url: str
    language: str
    html: str

    @property
    def name(self) -> str:
        return f"{self.url} ({self.language})"


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # a twin that redirects is not a page


class Pages:
    """The pages the browser tests opened, each distinct HTML once (a page opened again and again
    while a test waits for it to change is kept once for each content it had)."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.unread = 0  # documents or twins that could not be read: the page moved on, the server stopped
        self._twins: dict[int, dict[tuple[str, str], str]] = defaultdict(
            dict
        )  # context: (url, cookies): language
        self._busy: dict[int, int] = defaultdict(int)  # context: its listeners still reading a body

    def watch(self, context) -> None:  # type: ignore[no-untyped-def]
        """Keep what `context` loads; fetch the twins when it closes. Not sooner: a GET may put state
        in the person's session (allauth keeps a passkey's challenge there), and a twin fetched while
        the test goes on would replace it."""
        context.on("response", lambda response: self._loaded(context, response))
        close = context.close

        def flush_then_close(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.flush(context)
            return close(*args, **kwargs)

        context.close = flush_then_close

    def flush(self, context) -> None:  # type: ignore[no-untyped-def]
        """Keep every page the context loaded so far, and fetch their twins. Listeners run only while
        the test waits on Playwright, and each may wait for a body: give them round trips until done."""
        context.cookies()  # the events received before its answer are dispatched first
        deadline = time.monotonic() + 30
        while self._busy[id(context)] and time.monotonic() < deadline:
            context.cookies()
        self.fetch_twins(id(context))

    def add(self, url: str, html: str) -> bool:
        """Keep a page; False if the same HTML (but for CSRF tokens) was kept already."""
        key = hashlib.sha256(_CSRF.sub(r"\1", html).encode()).hexdigest()
        if key in self.pages:
            return False
        found = _LANG.search(html)
        self.pages[key] = Page(url, found.group(1) if found else "?", html)
        return True

    def _loaded(self, context, response) -> None:  # type: ignore[no-untyped-def]
        request = response.request
        if request.resource_type != "document" or not _is_page(response.status, response.headers):
            return
        from playwright.sync_api import Error

        self._busy[id(context)] += 1
        try:
            html = response.text()
            self.add(response.url, html)
            if request.method == "GET":
                found = _LANG.search(html)
                other = "en" if found and found.group(1) == "ar" else "ar"
                # The cookies of the moment: a person who logs in or out later has another session.
                cookies = {c["name"]: c["value"] for c in context.cookies(response.url)}
                header = "; ".join(f"{k}={v}" for k, v in (cookies | {LANGUAGE_COOKIE: other}).items())
                self._twins[id(context)][(response.url, header)] = other
        except Error:  # the body was dropped already (the page moved on at once), or the context closed
            self.unread += 1
        finally:
            self._busy[id(context)] -= 1

    def fetch_remaining_twins(self) -> None:
        """The twins of the contexts still open (or never closed)."""
        for context in list(self._twins):
            self.fetch_twins(context)

    def fetch_twins(self, context: int) -> None:
        """Each address the context opened, again in the other language (once, as it is now)."""
        for (url, cookies), language in self._twins.pop(context, {}).items():
            request = urllib.request.Request(url, headers={"Cookie": cookies, "Accept-Language": language})  # noqa: S310
            try:
                with _OPENER.open(request, timeout=30) as answer:
                    status, headers, body = answer.status, answer.headers, answer.read()
            except urllib.error.HTTPError as answer:  # error pages are pages too
                status, headers, body = answer.code, answer.headers, answer.read()
            except OSError:  # the server stopped already
                self.unread += 1
                continue
            if _is_page(status, headers):
                self.add(url, body.decode())


_OPENER = urllib.request.build_opener(_KeepRedirects)


def _is_page(status: int, headers) -> bool:  # type: ignore[no-untyped-def]
    return not 300 <= status < 400 and status != 204 and "text/html" in (headers.get("content-type") or "")


def checker_missing() -> str | None:
    """Why the checker cannot run here, if it cannot."""
    if shutil.which("java") is None:
        return "no Java runtime (apt-get install default-jre-headless)"
    if not VNU_JAR.exists():
        return f"{VNU_JAR} is missing (make .venv/.test installs it)"
    return None


def check(pages: list[Page]) -> dict[str, list[str]]:
    """The checker's errors, by page ("url (language)"): one JVM for all of them."""
    java = shutil.which("java") or "java"
    with tempfile.TemporaryDirectory(prefix="sahl-vnu-") as folder:
        files = {}
        for number, page in enumerate(pages):
            path = Path(folder) / f"{number:05d}.html"
            path.write_text(page.html, encoding="utf-8")
            files[path.resolve().as_uri()] = page
        command = [java, "-jar", str(VNU_JAR), *VNU_OPTIONS, folder]
        answer = subprocess.run(command, capture_output=True, text=True, check=True)
    errors: dict[str, list[str]] = defaultdict(list)
    for found in json.loads(answer.stdout)["messages"]:
        if found["type"] not in ("error", "non-document-error"):
            continue
        url = found.get("url", "")
        page = files.get(url) or files.get(url.replace("file:/", "file:///", 1))
        where = f"line {found['lastLine']}: " if "lastLine" in found else ""
        extract = found.get("extract", "").strip()
        error = f"{where}{found['message']} [{extract}]"
        if error not in errors[page.name if page else url]:  # once for the page's every version
            errors[page.name if page else url].append(error)
    return dict(errors)


def report(errors: dict[str, list[str]]) -> str:
    """The errors under each page, the first few of each."""
    lines = []
    for name, found in sorted(errors.items()):
        lines.append(name)
        lines.extend(f"    {error}" for error in found[:REPORTED])
        if len(found) > REPORTED:
            lines.append(f"    ... and {len(found) - REPORTED} more")
    return "\n".join(lines)


REPORTED = 10  # errors shown per page
