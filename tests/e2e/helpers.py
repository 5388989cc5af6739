"""What the application tests share: the demo people, logging in (browser or plain HTTP), files."""

from __future__ import annotations

import http.cookiejar
import io
import re
import struct
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zlib
from dataclasses import dataclass

from sahl.demo.registry import civil_id_for, demo_persons
from tests.conftest import DEMO_PASSWORD

LANGUAGE_COOKIE = "sahl_language"
# A document's file is made by the server's task worker after the decision; the page shows its link
# when it is ready, without a reload (applications/documents.js). Under load that takes seconds.
DOCUMENT_READY_MS = 30_000
# Direction marks, embeddings/overrides and isolates: invisible, and PDF extractors keep them.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def civil_id(key: str) -> str:
    """The civil ID of a named demo person (father, mother, expat, caseworker, ...)."""
    from django.utils import timezone

    persons = demo_persons(timezone.localdate())
    index = next(i for i, person in enumerate(persons) if person.key == key)
    return civil_id_for(persons[index].birth_date, index + 1)


def log_in(page, key: str, next_path: str = "/", keep_language: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Log in through the login form (Arabic or English labels), then land on `next_path`.

    Logging in turns the pages to the person's own language (the demo's expatriate reads English);
    unless `keep_language` is False, the browser goes on in the language it showed before (its
    language cookie, else its own locale), as the test was written for."""
    before = next((c["value"] for c in page.context.cookies() if c["name"] == LANGUAGE_COOKIE), None)
    page.goto(f"/accounts/login/?next={urllib.parse.quote(next_path)}")
    page.locator("input[name=login]").fill(civil_id(key))
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    # The login page's own address ends like "/" too: wait until the browser has left it.
    landed = re.compile(re.escape(next_path.split("?")[0]) + r"(\?.*)?$")
    page.wait_for_url(lambda url: landed.search(url) is not None and "/accounts/login/" not in url)
    if keep_language:
        now = next((c["value"] for c in page.context.cookies() if c["name"] == LANGUAGE_COOKIE), None)
        if now != before:
            page.context.clear_cookies(name=LANGUAGE_COOKIE)
            if before is not None:
                origin = urllib.parse.urlsplit(page.url)
                url = f"{origin.scheme}://{origin.netloc}"
                page.context.add_cookies([{"name": LANGUAGE_COOKIE, "value": before, "url": url}])
            page.reload()


def operator_logs_in(page) -> None:  # type: ignore[no-untyped-def]
    """The demo operator logs in with his password and the code sent by SMS to his phone (read at
    /dev/sms), and lands on the home page."""
    from playwright.sync_api import expect

    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(civil_id("operator"))
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/sms/login/$"))
    sms = page.context.new_page()
    sms.goto("/dev/sms")
    match = re.search(r"\b(\d{6})\b", sms.locator("#sms tbody tr", has_text="0115").first.inner_text())
    assert match, "no code reached the operator's phone"
    sms.close()
    page.locator("input[name=code]").fill(match.group(1))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/$"))


_AXE = None


def serious(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's serious and critical findings on the page (the tests want none)."""
    global _AXE
    if _AXE is None:
        from axe_playwright_python.sync_playwright import Axe

        _AXE = Axe()
    results = _AXE.run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def pdf_text(data: bytes) -> str:
    """The text of a PDF as a reader would copy it: NFKC-normalised, without bidi controls."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return _BIDI_CONTROLS.sub("", unicodedata.normalize("NFKC", text))


def tiny_png() -> bytes:
    """A valid 1x1 white PNG (the server checks the first bytes, a viewer the rest)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff")  # filter byte, then one white pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


# --- Plain HTTP (no browser): for setting the scene quickly and for concurrency -----------------


@dataclass(frozen=True)
class Response:
    status: int
    location: str
    text: str


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # a redirect is an answer to look at, not to follow


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = "----sahl-e2e-" + uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, content, kind) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {kind}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# A receipt for a sale paid through a bank (the proof the service asks for).
RECEIPT = {"proof_of_payment": ("receipt.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")}


class HttpClient:
    """A person's session over plain HTTP, with its own cookie jar (copied by `clone`)."""

    def __init__(self, base: str, jar: http.cookiejar.CookieJar | None = None) -> None:
        assert base.startswith(("http://", "https://")), base
        self.base = base
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _KeepRedirects
        )

    def clone(self) -> HttpClient:
        jar = http.cookiejar.CookieJar()
        for cookie in self.jar:
            jar.set_cookie(cookie)
        return HttpClient(self.base, jar)

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def _send(self, request: urllib.request.Request) -> Response:
        try:
            with self._opener.open(request, timeout=30) as answer:
                return Response(answer.status, answer.headers.get("Location", ""), answer.read().decode())
        except urllib.error.HTTPError as answer:  # 3xx (not followed), 4xx and 5xx
            return Response(answer.code, answer.headers.get("Location", ""), answer.read().decode())

    def get(self, path: str) -> Response:
        return self._send(urllib.request.Request(self.base + path))  # noqa: S310 (checked in __init__)

    def post(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None
    ) -> Response:
        """A form's POST; with `files` ({field: (file name, content, type)}) as multipart/form-data."""
        fields = {"csrfmiddlewaretoken": self.cookie("csrftoken")} | fields
        body, kind = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        if files:
            body, kind = _multipart(fields, files)
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            self.base + path,
            data=body,
            headers={"Referer": self.base + path, "Content-Type": kind},
            method="POST",
        )
        return self._send(request)

    def log_in(self, key: str) -> HttpClient:
        """Logs in; the session goes on in the language it had (Arabic unless chosen), not the
        person's own, which logging in would bring."""
        before = self.cookie(LANGUAGE_COOKIE)
        form = self.get("/accounts/login/")
        answer = self.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": hidden_input(form.text, "csrfmiddlewaretoken"),
                "login": civil_id(key),
                "password": DEMO_PASSWORD,
            },
        )
        # The page's heading says which refusal it was (CSRF, forbidden, throttled), should one come.
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", answer.text, re.S)
        said = heading.group(1).strip() if heading else answer.text[:200]
        assert answer.status == 302, f"login of {key} answered {answer.status}: {said}"
        if self.cookie(LANGUAGE_COOKIE) != before:
            for cookie in list(self.jar):
                if cookie.name == LANGUAGE_COOKIE:
                    self.jar.clear(cookie.domain, cookie.path, cookie.name)
                    if before:
                        cookie.value = before
                        self.jar.set_cookie(cookie)
        return self

    def apply(
        self, code: str, answers: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None
    ) -> str:
        """File an application through the form (with files, if any); returns its reference."""
        form = self.get(f"/services/{code}/apply")
        assert form.status == 200, f"{code}: the apply page answered {form.status}"
        key = hidden_input(form.text, "idempotency_key")
        fields = {"idempotency_key": key, "submit": "1"} | answers
        answer = self.post(f"/services/{code}/apply", fields, files)
        assert answer.status == 302, f"{code}: submitting answered {answer.status}"
        return reference_in(answer.location)

    def pay(self, reference: str, card: str = "4242424242424242") -> None:
        """Pay the fee on the simulated gateway's page and come back to Sahl."""
        to_gateway = self.post(f"/applications/{reference}/pay", {})
        assert to_gateway.status == 302, f"paying {reference} answered {to_gateway.status}"
        path = urllib.parse.urlsplit(to_gateway.location).path
        form = self.get(path)
        token = hidden_input(form.text, "csrfmiddlewaretoken")
        back = self.post(
            path, {"csrfmiddlewaretoken": token, "card_number": card, "expiry": "12/29", "pin": "1234"}
        )
        assert back.status == 302, f"the gateway answered {back.status}"
        parts = urllib.parse.urlsplit(back.location)
        assert self.get(f"{parts.path}?{parts.query}").status == 302


TEST_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"


def pay_on_gateway(page, card: str = TEST_CARD) -> None:  # type: ignore[no-untyped-def]
    """From the application page: pay now, type the card on the gateway's page, come back."""
    page.locator("form[action$='/pay'] button").click()
    page.wait_for_url(re.compile(r"/sim/knet/pay/"))
    page.locator("input[name=card_number]").fill(card)
    page.locator("input[name=expiry]").fill("12/29")
    page.locator("input[name=pin]").fill("1234")
    page.locator("button[name=pay]").click()
    page.wait_for_url(re.compile(r"/applications/[\w-]+$"))


def file_and_pay_passport_renewal(page, key: str = "father") -> str:  # type: ignore[no-untyped-def]
    """Log in, file a passport renewal collected at a kiosk, pay its fee on the gateway's page; the
    browser is left on the application's page, whose reference is returned."""
    log_in(page, key, "/services/moi.passport-renewal/apply")
    page.locator("select[name=passport_number]").select_option(f"K{civil_id(key)[-8:]}")
    page.locator("select[name=delivery]").select_option("kiosk")
    page.locator("button[name=submit]").click()
    page.wait_for_url(re.compile(r"/applications/\d{4}-\d{7}$"))
    pay_on_gateway(page)
    return str(page.url.rsplit("/", 1)[-1])


def hidden_input(html: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match is not None, f"no {name} field on the page"
    return match.group(1)


def reference_in(location: str) -> str:
    match = re.fullmatch(r".*/applications/([\w-]+)", location)
    assert match is not None, f"not an application page: {location!r}"
    return match.group(1)


def open_until(page, path: str, text: str, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    """Open `path` again until its main part shows `text`: what listeners write (inbox messages, a
    refund) arrives from the background worker a moment after the change."""
    import time

    from playwright.sync_api import expect

    deadline = time.monotonic() + seconds
    while True:
        page.goto(path)
        if text in page.locator("main").inner_text() or time.monotonic() > deadline:
            break
        page.wait_for_timeout(300)
    expect(page.locator("main")).to_contain_text(text)


def add_platform_authenticator(page):  # type: ignore[no-untyped-def]
    """Chromium's virtual platform authenticator (CDP), which checks the person as a phone's
    fingerprint, face or PIN does; the session it was added through, to read its credentials."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp


def until(page, expression: str, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until a JavaScript expression (a promise too) is true. Not `page.wait_for_function`:
    its predicate is compiled in the page, where Sahl's Content-Security-Policy forbids eval, and
    it failed so at times; `page.evaluate` is not subject to the page's policy."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {seconds:.0f} s: {expression}")
        time.sleep(0.1)
