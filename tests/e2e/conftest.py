"""Browser tests: the real server (gunicorn) on a fresh database, driven by Debian's Chromium.

On a laptop without Chromium these tests skip with a message; with SAHL_REQUIRE_BROWSER=1 (CI)
a missing browser fails the run instead.
"""

from __future__ import annotations

import atexit
import email
import email.policy
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.e2e.nu_checker import Pages

CHROMIUM = os.environ.get("SAHL_CHROMIUM", "/usr/bin/chromium")
# How long an `expect` waits for the page to come right. Playwright's 5 s is plenty on a laptop; CI
# runs two suites side by side on two cores, and a page's script (the verifier reading a QR code,
# say) has been seen to need more there. It costs nothing when the page is right sooner.
EXPECT_TIMEOUT_MS = 15_000
ROOT = Path(__file__).resolve().parents[2]
# Production's web server as operators start it (ADR 0067); the address and processes are added.
UWSGI = [str(Path(sys.executable).parent / "uwsgi"), "--ini", str(ROOT / "deploy" / "uwsgi.ini")]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> Iterator[None]:
    """Browser tests are marked; after every other ordering, the HTML check runs last of all, over
    the pages the tests before it opened."""
    yield
    for item in items:
        if "e2e" in item.nodeid.split("/"):
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.nodeid.startswith(HTML_CHECK))


HTML_CHECK = "tests/e2e/test_valid_html.py::"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("SAHL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required here but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"browser tests skipped: {CHROMIUM} not found (apt-get install chromium to run them)")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _fresh_database(tmp: Path, suffix: str) -> Iterator[dict[str, str]]:
    """The environment of a fresh database: SQLite under tmp, or a new PostgreSQL database
    (dropped afterwards)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield {"SAHL_VAR_DIR": str(tmp)}
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'sahl'}_{suffix}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}")), "SAHL_VAR_DIR": str(tmp)}
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _serve(tmp: Path, suffix: str = "e2e", worker: bool = True, web: str = "gunicorn") -> Iterator[str]:
    """gunicorn (or `web="uwsgi"`, production's server) on a fresh, seeded database; yields its base
    URL. Without `worker`, queued tasks wait until the test runs them (`run_tasks(base)`)."""
    with _fresh_database(tmp, suffix) as database:
        yield from _serve_on(tmp, os.environ | database, worker, web)


SERVED: dict[str, dict[str, str]] = {}  # each running server's environment, by its base URL


def run_tasks(base: str) -> None:
    """What the task worker of the server at `base` would do: every queued task, once, now."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(
        [*manage, "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--skip-checks"],
        env=SERVED[base],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


class Mailbox:
    """What an SMTP server started by the tests received (e-mails of every server they start)."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def wait_for(self, to: str, seconds: float = 30) -> email.message.EmailMessage:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for message in self.messages:
                if to in str(message["To"]):
                    return message
            time.sleep(0.2)
        raise AssertionError(f"no e-mail to {to} within {seconds} s")


MAILBOX = Mailbox()


@pytest.fixture(scope="session")
def mailbox() -> Mailbox:
    return MAILBOX


def _smtp_port() -> int:
    """A real SMTP server (aiosmtpd) for the servers under test, started once."""
    global _SMTP
    if _SMTP is None:
        from aiosmtpd.controller import Controller

        _SMTP = Controller(MAILBOX, hostname="127.0.0.1", port=_free_port())
        _SMTP.start()
    return int(_SMTP.port)


_SMTP = None
SETUP = (
    ["migrate", "--noinput", "-v0"],
    ["load_catalogue"],
    ["load_journeys"],
    ["load_complaints"],
    ["seed_demo", "--people", "200", "--no-journeys"],
    ["collectstatic", "--noinput", "-v0"],  # as make run: hashed, compressed, cached for a year
    # The seed's events (600 or so) handled once here, so the template holds what they change:
    # otherwise every server's worker would handle them again, servers by the dozen a run.
    ["db_worker", "--batch", "--no-startup-delay"],
)
_SETUP_SCRIPT = (
    "import json, sys, django; django.setup(); from django.core.management import call_command; "
    "[call_command(*command) for command in json.loads(sys.argv[1])]"
)
_TEMPLATE: dict[str, str] = {}  # the first seeded database of the session, copied for the others


def _seed(tmp: Path, env: Mapping[str, str]) -> None:
    """Migrate, load and seed the server's fresh database: the first time for real (about 30 s), then
    by copying that one (the var directory, and on PostgreSQL `CREATE DATABASE ... TEMPLATE`).
    Servers of one session then start from the same demo data, only faster."""
    url = env.get("DATABASE_URL", "")
    if "var" in _TEMPLATE:
        shutil.copytree(_TEMPLATE["var"], tmp, dirs_exist_ok=True)
        if url.startswith("postgres"):
            import psycopg

            parts = urlsplit(url)
            name = parts.path.lstrip("/")
            with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_TEMPLATE["database"]}"')
        return
    # One process for all of them: each command on its own would load Django again (seconds each).
    subprocess.run(
        [sys.executable, "-c", _SETUP_SCRIPT, json.dumps(SETUP)],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    copy = Path(tempfile.mkdtemp(prefix="sahl-e2e-template-"))
    atexit.register(shutil.rmtree, copy, True)
    shutil.copytree(tmp, copy, dirs_exist_ok=True)
    if url.startswith("postgres"):
        import psycopg

        parts = urlsplit(url)
        template = f"{parts.path.lstrip('/')}_template"
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{parts.path.lstrip("/")}"')
        _TEMPLATE["database"] = template
        atexit.register(_drop, admin, template)
    _TEMPLATE["var"] = str(copy)


def _drop(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _serve_on(
    tmp: Path, env: Mapping[str, str], with_worker: bool = True, web: str = "gunicorn"
) -> Iterator[str]:
    port = _free_port()
    base = f"http://localhost:{port}"
    env = {
        **env,
        "SAHL_SMTP_HOST": "127.0.0.1",
        "SAHL_SMTP_PORT": str(_smtp_port()),
        "DJANGO_SETTINGS_MODULE": "sahl.settings",
        "SAHL_LOG_LEVEL": "WARNING",
        "SAHL_PUBLIC_URL": base,  # documents' QR codes and the gateway's return address
        "SAHL_KNET_URL": f"{base}/sim/knet",  # the simulated gateway, served by the same server
        "SAHL_SIMULATORS": "1",  # the gateway, and /dev/sms where tests read the SMS a person receives
        "SAHL_FAST_PASSWORD_HASHING": "1",  # Argon2id at its smallest cost (identity.hashers)
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    _seed(tmp, env)
    log = (tmp / "server.log").open("w")
    # The background worker, as `make run` starts it: gateway callbacks, refunds, messages, PDFs.
    # Without the system checks (a second and more of each start): test_system_checks runs them once.
    worker = subprocess.Popen(
        [*manage, "db_worker", "--interval", "0.2", "--no-reload", "--skip-checks"]
        if with_worker
        else ["true"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a process group, killed whole at the end
    )
    SERVED[base] = dict(env)
    # Threads as well as processes, so that simultaneous requests really run at the same time; more
    # threads than the tests' simultaneous clicks, since paying calls the gateway on this same server.
    # The application is loaded once, before the workers fork (--preload): each server of the
    # session starts in about a third of the time, and CI starts many.
    command = [sys.executable, "-m", "gunicorn", "sahl.wsgi", "--bind", f"localhost:{port}", "--preload"]
    command += ["--workers", "3", "--threads", "16"]
    if web == "uwsgi":  # as production starts it (deploy/uwsgi.ini), with a process for the gateway's calls
        command = [*UWSGI, "--http-socket", f"localhost:{port}", "--processes", "3"]
    process = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # gunicorn and its workers, killed whole at the end
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"the server did not start; see {tmp / 'server.log'}")
        yield base
    finally:
        # A test server's database is thrown away with it: no graceful stop (gunicorn's waits for the
        # browser's keep-alive connections, seconds per server), the whole process group at once.
        for running in (process, worker):
            with suppress(ProcessLookupError):
                os.killpg(running.pid, signal.SIGKILL)
            running.wait()
        log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _serve(tmp_path_factory.mktemp("server")) as base:
        yield base


@pytest.fixture(scope="module")
def own_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of the module's own, for stories that change the registers (a renewed passport,
    a sold car) that other modules' tests take as the demo data describes them. A module uses it
    by defining `server` as `own_server`, so that `page` and `open_page` go there too."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    with _serve(tmp_path_factory.mktemp(name), f"e2e_{name}") as base:
        yield base


@pytest.fixture(scope="session")
def browser(chromium_path: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import Browser, expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)

    # Every context of every browser the tests launch keeps the pages it opens for the HTML check.
    new_context = Browser.new_context

    def watched(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not SERVICE_WORKERS["allowed"]:
            kwargs.setdefault("service_workers", "block")
        context = new_context(self, *args, **kwargs)
        PAGES.watch(context)
        return context

    Browser.new_context = watched  # type: ignore[method-assign]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=FLAGS)
            yield browser
            browser.close()
    finally:
        Browser.new_context = new_context  # type: ignore[method-assign]


PAGES = Pages()
# Service workers only where a module tests them (marked `service_workers`): elsewhere each new
# context installing the portal's worker (its shell, its offline pages) and routing every
# navigation through it is work that tests nothing, and CI runs hundreds of contexts.
SERVICE_WORKERS = {"allowed": False}


@pytest.fixture(autouse=True)
def _service_workers(request: pytest.FixtureRequest) -> Iterator[None]:
    SERVICE_WORKERS["allowed"] = request.node.get_closest_marker("service_workers") is not None
    yield
    SERVICE_WORKERS["allowed"] = False


@pytest.fixture(scope="session")
def visited_pages() -> Pages:
    """The HTML of every page the browser tests opened so far, and of its other-language twin."""
    return PAGES


@pytest.fixture
def page(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, locale="ar-KW")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def open_page(browser, server):  # type: ignore[no-untyped-def]
    """Open another person's browser (a context of its own, so its own cookies), in Arabic."""
    contexts = []

    def open_page(locale: str = "ar-KW"):  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=server, locale=locale)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
