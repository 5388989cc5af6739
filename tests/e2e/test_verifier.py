"""The public verifier page (/verifier/): a hotel clerk or a police officer checks a Hawiyati QR
code on their own device, offline if need be. Real credentials: a demo person replaces his driving
licence, then receives its credentials over OpenID4VCI exactly as a wallet app would; the bad
presentations are crafted from them. The page's JavaScript verifier (verify.js) is also run
directly against the Python one (sahl.wallet.sdjwt.verify) on the same cases, so they cannot drift.
"""

from __future__ import annotations

import io
import json
import re
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import expect

from sahl.core.languages import in_language
from sahl.wallet import sdjwt
from sahl.wallet.jose import (
    JoseError,
    b64url,
    compact_json,
    key_from_jwk,
    public_jwk,
    sign,
    thumbprint,
    unb64url,
)
from sahl.wallet.verdicts import REFUSALS, STATES
from tests.e2e.helpers import civil_id, log_in, pay_on_gateway, serious
from tests.wallet_fixtures import qr_nonce

pytestmark = [
    pytest.mark.service_workers,  # the worker is what these tests are about
    pytest.mark.told_on_sqlite,  # CI: SQLite; the browser does the work (the verifier page reads the code)
]

BIRTH_DATE = "1988-03-14"  # the demo father (Ahmad), who holds a driving licence
HIDDEN = {"iss", "iat", "nbf", "exp", "vct", "cnf", "status"}  # what services.verify never shows


@pytest.fixture(scope="module")
def server(own_server: str) -> str:
    """The father's licence is replaced here (the old one is revoked): other modules' tests keep
    him as the demo data describes him."""
    return own_server


# --- Real credentials, received as a wallet app receives them -----------------------------------


@dataclass(frozen=True)
class Held:
    issuer: str
    holder: ec.EllipticCurvePrivateKey
    credentials: dict[str, str]  # configuration id -> SD-JWT VC

    def age(self, iat: int | None = None, age: str = "18") -> str:
        """The QR-age presentation the wallet shows, signed now (or at `iat`)."""
        at = int(time.time()) if iat is None else iat
        sd_jwt = self.credentials["driving_licence_qr_age"]
        return sdjwt.present(
            sd_jwt, [f"age_equal_or_over.{age}"], self.holder, sdjwt.QR_AUDIENCE, qr_nonce(at), at
        )


def replace_licence(page) -> None:  # type: ignore[no-untyped-def]
    """The father replaces his lost driving licence: automatic, 5 KWD paid on the gateway."""
    page.goto("/services/moi.driving-licence-replacement/apply")
    page.locator("select[name=licence_number]").select_option(f"DL{civil_id('father')}")
    page.locator("select[name=reason]").select_option("lost")
    page.locator("button[name=submit]").click()
    page.wait_for_url(re.compile(r"/applications/\d{4}-\d{7}$"))
    pay_on_gateway(page)
    expect(page.locator("#status")).to_have_text("منجزة")


@pytest.fixture(scope="module")
def held(browser, server: str) -> Held:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, locale="ar-KW")
    try:
        page = context.new_page()
        log_in(page, "father")
        replace_licence(page)

        # His wallet asks for an offer of the new licence (his session, with the CSRF header)...
        api = page.request
        documents = api.get("/api/v1/wallet/documents").json()
        licence = next(d for d in documents if d["document"] == "driving_licence" and d["state"] == "valid")
        csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
        answer = api.post(
            "/api/v1/wallet/offers",
            data=json.dumps({"document": licence["id"]}),
            headers={"X-CSRFToken": csrf, "Content-Type": "application/json"},
        )
        assert answer.status == 201, answer.text()
        offer = answer.json()
        grant = offer["credential_offer"]["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
        issuer = offer["credential_offer"]["credential_issuer"]

        # ... and redeems it over OpenID4VCI with a holder key of its own, one proof per credential.
        access = api.post(
            "/wallet/oid4vci/token",
            form={
                "grant_type": "urn:ietf:params:oauth:grant-type:pre-authorized_code",
                "pre-authorized_code": grant["pre-authorized_code"],
                "tx_code": offer["tx_code"],
            },
        ).json()["access_token"]
        holder = ec.generate_private_key(ec.SECP256R1())
        credentials = {}
        for configuration in offer["credential_offer"]["credential_configuration_ids"]:
            nonce = api.post("/wallet/oid4vci/nonce").json()["c_nonce"]
            proof = sign(
                holder,
                {"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": public_jwk(holder.public_key())},
                {"aud": issuer, "iat": int(time.time()), "nonce": nonce},
            )
            answer = api.post(
                "/wallet/oid4vci/credential",
                data=json.dumps({"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}}),
                headers={"Authorization": f"Bearer {access}", "Content-Type": "application/json"},
            )
            assert answer.status == 200, answer.text()
            credentials[configuration] = answer.json()["credentials"][0]["credential"]
    finally:
        context.close()
    assert "driving_licence_qr_age" in credentials, credentials
    return Held(issuer, holder, credentials)


def issuer_keys(server: str) -> tuple[dict[str, Any], dict[str, ec.EllipticCurvePublicKey]]:
    with urllib.request.urlopen(f"{server}/.well-known/jwt-vc-issuer", timeout=10) as answer:  # noqa: S310
        jwks = json.load(answer)["jwks"]
    keys = {k["kid"]: key_from_jwk({n: k[n] for n in ("kty", "crv", "x", "y")}) for k in jwks["keys"]}
    return jwks, keys


# --- Crafting bad presentations from a real one -------------------------------------------------


def _json_part(part: str) -> dict[str, Any]:
    value = json.loads(unb64url(part))
    assert isinstance(value, dict)
    return value


def _key_binding(holder: ec.EllipticCurvePrivateKey, base: str, iat: int, **changes: object) -> str:
    claims = {
        "iat": iat,
        "aud": sdjwt.QR_AUDIENCE,
        "nonce": qr_nonce(iat),
        "sd_hash": sdjwt.digest(base),
    }
    return sign(holder, {"alg": "ES256", "typ": "kb+jwt"}, claims | changes)


def _resigned(presentation: str, key: ec.EllipticCurvePrivateKey, header: dict[str, Any]) -> str:
    """The issuer-signed JWT signed again with another key and header (disclosures kept)."""
    jwt, rest = presentation.split("~", 1)
    return sign(key, header, _json_part(jwt.split(".")[1])) + "~" + rest


def _rebound(presentation: str, holder: ec.EllipticCurvePrivateKey) -> str:
    """A fresh key binding over a changed presentation, so that only the change is wrong."""
    base = presentation.rsplit("~", 1)[0] + "~"
    return base + _key_binding(holder, base, int(time.time()))


def crafted(held: Held) -> dict[str, tuple[str, str]]:
    """name -> (presentation, the refusal code the profile gives it), each from a real QR-age one."""
    now = int(time.time())
    good = held.age(now)
    jwt, disclosure, _ = good.split("~")
    header, payload = _json_part(jwt.split(".")[0]), _json_part(jwt.split(".")[1])
    stranger = ec.generate_private_key(ec.SECP256R1())
    stranger_kid = thumbprint(public_jwk(stranger.public_key()))[:8]
    base = f"{jwt}~{disclosure}~"
    salt = json.loads(unb64url(disclosure))[0]
    changed = b64url(compact_json([salt, "65", True]))  # "over 65" for a man under 40
    unsigned = f"{b64url(compact_json(header | {'alg': 'none'}))}.{b64url(compact_json(payload))}."
    return {
        "alg_none": (
            f"{unsigned}~{disclosure}~{_key_binding(held.holder, f'{unsigned}~{disclosure}~', now)}",
            "alg_not_allowed",
        ),
        "unknown_kid": (
            _rebound(
                _resigned(good, stranger, {"alg": "ES256", "typ": "dc+sd-jwt", "kid": stranger_kid}),
                held.holder,
            ),
            "unknown_key",
        ),
        "modified_disclosure": (
            f"{jwt}~{changed}~" + _key_binding(held.holder, f"{jwt}~{changed}~", now),
            "disclosure_not_referenced",
        ),
        "no_key_binding": (base, "key_binding_missing"),
        "nonce_ten_minutes_old": (base + _key_binding(held.holder, base, now - 600), "nonce_outside_window"),
        "wrong_typ": (
            _rebound(
                _resigned(good, stranger, {"alg": "ES256", "typ": "JWT", "kid": header["kid"]}), held.holder
            ),
            "wrong_type",
        ),
    }


def _respelled(token: str) -> str:
    """The token with its signature's last letter changed in the spare bits only: the same bytes,
    spelled another way (base64url has one canonical spelling, RFC 7515, section 2)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return token[:-1] + alphabet[alphabet.index(token[-1]) ^ 1]


def edge_cases(held: Held) -> dict[str, str]:
    """More bad ones, for comparing the two verifiers only (the page shows them like the others)."""
    now = int(time.time())
    good = held.age(now)
    jwt, disclosure, _ = good.split("~")
    base = f"{jwt}~{disclosure}~"
    kb_header = {"alg": "ES256", "typ": "kb+jwt"}
    kb_claims = {
        "iat": now,
        "aud": sdjwt.QR_AUDIENCE,
        "nonce": qr_nonce(now),
        "sd_hash": sdjwt.digest(base),
    }
    unsigned_kb = f"{b64url(compact_json(kb_header | {'alg': 'none'}))}.{b64url(compact_json(kb_claims))}."
    array_header = f"{b64url(b'[1]')}.{jwt.split('.', 1)[1]}"
    respelled = f"{_respelled(jwt)}~{disclosure}~"
    return {
        "good": good,
        "good_over_21": held.age(now, "21"),
        "good_two_windows_ago": base + _key_binding(held.holder, base, now - 120),
        "kb_alg_none": base + unsigned_kb,
        "kb_wrong_typ": base + sign(held.holder, kb_header | {"typ": "JWT"}, kb_claims),
        "kb_wrong_audience": base + _key_binding(held.holder, base, now, aud="someone-else"),
        "kb_from_the_future": base + _key_binding(held.holder, base, now + 300),
        "kb_nonce_not_its_window": base + _key_binding(held.holder, base, now, nonce=qr_nonce(now - 600)),
        "kb_nonce_not_digits": base + _key_binding(held.holder, base, now, nonce="abc"),
        "kb_nonce_a_number": base + _key_binding(held.holder, base, now, nonce=now // 60),
        "kb_sd_hash_of_another": base + _key_binding(held.holder, f"{jwt}~", now),
        "repeated_disclosure": f"{base}{disclosure}~"
        + _key_binding(held.holder, f"{base}{disclosure}~", now),
        "damaged_disclosure": f"{jwt}~!!~" + _key_binding(held.holder, f"{jwt}~!!~", now),
        "disclosure_not_json": f"{jwt}~{b64url(b'nope')}~"
        + _key_binding(held.holder, f"{jwt}~{b64url(b'nope')}~", now),
        "array_header": f"{array_header}~{disclosure}~"
        + _key_binding(held.holder, f"{array_header}~{disclosure}~", now),
        "bad_signature_bytes": f"{jwt[:-4]}AAAA~{disclosure}~"
        + _key_binding(held.holder, f"{jwt[:-4]}AAAA~{disclosure}~", now),
        "signature_respelled": respelled + _key_binding(held.holder, respelled, now),
        "kb_signature_respelled": base + _respelled(_key_binding(held.holder, base, now)),
        "empty_disclosure": f"{jwt}~~{disclosure}~",
        "only_a_jwt": jwt,
        "garbage": "hello world",
        "qr_id": sdjwt.present(
            held.credentials["driving_licence_qr_id"],
            [],
            held.holder,
            sdjwt.QR_AUDIENCE,
            qr_nonce(now),
            now,
        ),
        "full_licence_some_claims": sdjwt.present(
            held.credentials["driving_licence"],
            ["name_en", "document_number", "age_equal_or_over.65", "details.reason"],
            held.holder,
            sdjwt.QR_AUDIENCE,
            qr_nonce(now),
            now,
        ),
    }


# --- The page -----------------------------------------------------------------------------------


def open_verifier(browser, server: str, locale: str = "ar-KW", **options: Any):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, locale=locale, **options)
    page = context.new_page()
    page.goto("/verifier/")
    expect(page.locator("#verifier")).to_have_attribute("data-ready", "1")
    return context, page


def paste(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#code-text").fill(text)
    page.locator("#verify").click()
    expect(page.locator("#verdict")).to_be_visible()


def qr_png(text: str, path: Path) -> Path:
    buffer = io.BytesIO()
    segno.make(text, error="l").save(buffer, kind="png", scale=4)
    path.write_bytes(buffer.getvalue())
    return path


def test_a_genuine_age_code_read_from_a_picture_shows_valid_and_only_over_18(browser, server, held, tmp_path):
    # Given a hotel clerk's phone with the verifier page open (no login), in Arabic
    context, page = open_verifier(browser, server)
    try:
        expect(page.get_by_role("heading", level=1)).to_have_text("التحقق من مستند")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")

        # When she chooses a screenshot of the guest's QR code (age 18 or over)
        page.locator("#photo").set_input_files(qr_png(held.age(), tmp_path / "code.png"))

        # Then the page says genuine and valid, the document's type, and "18 or over: yes" only
        expect(page.locator("#verdict")).to_contain_text("موثوق: صادر عن سهل")
        expect(page.locator("#verdict")).to_have_class(re.compile(r"verdict-ok"))
        expect(page.locator("#state")).to_have_text(in_language(STATES["valid"], "ar"))
        expect(page.locator("#document-type")).to_contain_text("رخصة القيادة")
        claims = page.locator("#claims > div")
        expect(claims).to_have_count(1)
        expect(claims.locator("dt")).to_have_text("18 سنة فأكثر")
        expect(claims.locator("dd")).to_have_text("نعم")
        # And nothing else about him: no birth date, no name anywhere on the page
        content = page.content()
        assert BIRTH_DATE not in content
        assert "1988" not in page.locator("main").inner_text()
        assert "أحمد" not in content and "Ahmad" not in content
    finally:
        context.close()


def test_a_genuine_code_pasted_in_english_says_over_18_yes(browser, server, held):
    context, page = open_verifier(browser, server, "en-US")
    try:
        expect(page.get_by_role("heading", level=1)).to_have_text("Verify a document")
        paste(page, held.age())
        expect(page.locator("#verdict")).to_contain_text("Genuine: issued by Sahl")
        expect(page.locator("#state")).to_have_text("Valid")
        expect(page.locator("#document-type")).to_contain_text("Driving licence")
        expect(page.locator("#claims")).to_have_text(re.compile(r"^\s*Over 18\s*Yes\s*$"))
        # The status came from the network just now, not from a saved copy
        expect(page.locator("#status-as-of")).to_have_count(0)
    finally:
        context.close()


CASES = [
    "alg_none",
    "unknown_kid",
    "modified_disclosure",
    "no_key_binding",
    "nonce_ten_minutes_old",
    "wrong_typ",
]


@pytest.mark.presentation  # the page's own verifier on crafted codes: no database in it
@pytest.mark.parametrize("case", CASES)
def test_a_crafted_code_is_not_genuine_and_the_page_says_why(browser, server, held, case):
    presentation, reason = crafted(held)[case]
    context, page = open_verifier(browser, server, "en-US")
    try:
        paste(page, presentation)
        expect(page.locator("#verdict")).to_contain_text(in_language(STATES["refused"], "en"))
        expect(page.locator("#verdict")).to_have_class(re.compile(r"verdict-bad"))
        expect(page.locator("#reason")).to_have_text(in_language(REFUSALS[reason], "en"))
        expect(page.locator("#claims")).to_have_count(0)
    finally:
        context.close()


@pytest.mark.presentation  # the page's own verifier on crafted codes: no database in it
def test_a_crafted_code_read_from_a_picture_is_refused_in_arabic(browser, server, held, tmp_path):
    presentation, reason = crafted(held)["modified_disclosure"]
    context, page = open_verifier(browser, server)
    try:
        page.locator("#photo").set_input_files(qr_png(presentation, tmp_path / "forged.png"))
        expect(page.locator("#verdict")).to_contain_text(in_language(STATES["refused"], "ar"))
        expect(page.locator("#reason")).to_have_text(in_language(REFUSALS[reason], "ar"))
    finally:
        context.close()


@pytest.mark.presentation  # the page's own verifier on crafted codes: no database in it
def test_a_picture_without_a_code_says_so(browser, server, tmp_path):
    from tests.e2e.helpers import tiny_png

    context, page = open_verifier(browser, server, "en-US")
    try:
        (tmp_path / "blank.png").write_bytes(tiny_png())
        page.locator("#photo").set_input_files(tmp_path / "blank.png")
        expect(page.locator("#result-message")).to_have_text(re.compile("No QR code was found"))
    finally:
        context.close()


def test_offline_the_page_opens_and_verifies_with_the_saved_keys_and_lists(browser, server, held):
    # Given the page opened once while online (its service worker saved it, the keys and the lists)
    context, page = open_verifier(browser, server, "en-US")
    try:
        assert page.evaluate("navigator.serviceWorker.ready.then(r => Boolean(r.active))")
        expect(page.locator("#saved")).to_contain_text("Ready to work offline")

        # When the device goes offline and the page is opened again
        go_offline(context)
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text("Verify a document")
        expect(page.locator("#offline")).to_be_visible()

        # Then a code still verifies, with the status "as of" the saved list's time
        paste(page, held.age())
        expect(page.locator("#verdict")).to_contain_text("Genuine: issued by Sahl")
        expect(page.locator("#state")).to_have_text("Valid")
        expect(page.locator("#status-as-of")).to_contain_text("Status as of")
        expect(page.locator("#claims")).to_contain_text("Over 18")
        # And a forged one is still refused
        paste(page, crafted(held)["unknown_kid"][0])
        expect(page.locator("#reason")).to_have_text(in_language(REFUSALS["unknown_key"], "en"))
    finally:
        context.close()


def go_offline(context) -> None:  # type: ignore[no-untyped-def]
    """No network for the pages and their service worker."""
    context.set_offline(True)


@pytest.mark.presentation  # accessibility and layout: the same on every database
@pytest.mark.parametrize(("locale", "genuine"), [("ar-KW", "موثوق"), ("en-US", "Genuine")])
def test_the_page_fits_a_phone_and_axe_finds_nothing_serious(browser, server, held, locale, genuine):
    phone = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
    context, page = open_verifier(browser, server, locale, **phone)
    try:
        assert serious(page) == []
        paste(page, held.age())
        expect(page.locator("#verdict")).to_contain_text(genuine)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert serious(page) == []
        paste(page, crafted(held)["wrong_typ"][0])
        expect(page.locator("#reason")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert serious(page) == []
    finally:
        context.close()


@pytest.mark.presentation  # accessibility and layout: the same on every database
def test_the_page_is_installable(browser, server):
    context, page = open_verifier(browser, server, "en-US")
    try:
        href = page.locator("link[rel=manifest]").get_attribute("href")
        assert href == "/verifier/manifest.webmanifest"
        manifest = page.request.get(href).json()
        assert manifest["start_url"] == manifest["scope"] == "/verifier/"
        assert manifest["display"] == "standalone"
        assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
        for icon in manifest["icons"]:
            answer = page.request.get(icon["src"])
            assert answer.ok and answer.body().startswith(b"\x89PNG")
    finally:
        context.close()


# --- The two verifiers agree --------------------------------------------------------------------

VERIFY_ALL = """async ({ cases, issuer, jwks, now }) => {
  const { verifyPresentation } = await import("/static/wallet/verify.js");
  const answers = {};
  for (const [name, text] of Object.entries(cases)) {
    const r = await verifyPresentation(text, { issuer, jwks, now });
    answers[name] = { reason: r.reason, state: r.state, claims: JSON.parse(JSON.stringify(r.claims)), configuration: r.configuration };
  }
  return answers;
}"""


def python_answer(
    text: str, issuer: str, keys: dict[str, ec.EllipticCurvePublicKey], now: int
) -> dict[str, Any]:
    """sahl.wallet.sdjwt.verify, as services.verify reports it (without a status list: "unknown")."""
    try:
        checked = sdjwt.verify(text, issuer, keys, sdjwt.qr_binding(now), now)
    except JoseError as e:
        return {"reason": e.code, "state": "refused", "claims": {}, "configuration": ""}
    claims = {k: v for k, v in checked.claims.items() if k not in HIDDEN and v != {}}
    return {
        "reason": "",
        "state": "unknown" if checked.timing == "valid" else checked.timing,
        "claims": claims,
        "configuration": str(checked.payload.get("vct", "")).removeprefix(f"{issuer}/vct/"),
    }


def compare(
    page: Any,
    cases: dict[str, str],
    issuer: str,
    keys: dict[str, ec.EllipticCurvePublicKey],
    jwks: dict[str, Any],
    now: int,
) -> dict[str, Any]:
    javascript = page.evaluate(VERIFY_ALL, {"cases": cases, "issuer": issuer, "jwks": jwks, "now": now})
    python = {name: python_answer(text, issuer, keys, now) for name, text in cases.items()}
    assert javascript == python
    return python


@pytest.mark.presentation  # the page's own verifier on crafted codes: no database in it
def test_verify_js_gives_the_python_verifiers_answers_on_real_and_crafted_codes(page, server, held):
    page.goto("/verifier/")
    jwks, keys = issuer_keys(server)
    cases = {name: text for name, (text, _) in crafted(held).items()} | edge_cases(held)
    answers = compare(page, cases, held.issuer, keys, jwks, int(time.time()))
    # The profile's codes, as both give them
    for name, (_, reason) in crafted(held).items():
        assert answers[name]["reason"] == reason, name
    assert answers["good"]["claims"] == {"age_equal_or_over": {"18": True}}
    assert answers["good_over_21"]["claims"] == {"age_equal_or_over": {"21": True}}
    assert answers["full_licence_some_claims"]["claims"]["age_equal_or_over"] == {"65": False}
    assert set(answers["qr_id"]["claims"]) == {"name_ar", "name_en", "civil_id"}
    assert answers["good"]["configuration"] == "driving_licence_qr_age"
    assert answers["kb_alg_none"]["reason"] == "alg_not_allowed"
    assert answers["kb_from_the_future"]["reason"] == "key_binding_invalid"
    assert answers["signature_respelled"]["reason"] == "malformed"
    assert answers["kb_signature_respelled"]["reason"] == "key_binding_invalid"


@pytest.mark.presentation  # the page's own verifier on crafted codes: no database in it
def test_verify_js_gives_the_python_verifiers_answers_on_the_shared_wallet_cases(page, server):
    """The cases the unit tests hold the Python verifier to (tests/wallet_fixtures.py), on a fixed clock."""
    wallet_fixtures = pytest.importorskip("tests.wallet_fixtures")
    page.goto("/verifier/")
    for case in wallet_fixtures.crafted_cases():
        jwks = {"keys": [public_jwk(key) | {"kid": kid} for kid, key in case.keys.items()]}
        answers = compare(
            page, {case.name: case.presentation}, wallet_fixtures.ISSUER, case.keys, jwks, wallet_fixtures.NOW
        )
        assert answers[case.name]["reason"] == case.reason, case.name
    # Timing: a genuine document that has expired or not yet started is told apart, not refused
    make: Callable[..., Any] = wallet_fixtures.issue
    for changes, state in (
        ({"exp": wallet_fixtures.NOW - 3600}, "expired"),
        ({"nbf": wallet_fixtures.NOW + 3600}, "not_yet_valid"),
    ):
        issued = make(**changes)
        text = wallet_fixtures.present(issued, ["age_equal_or_over.21"])
        jwks = {"keys": [public_jwk(key) | {"kid": kid} for kid, key in issued.keys.items()]}
        answers = compare(page, {state: text}, wallet_fixtures.ISSUER, issued.keys, jwks, wallet_fixtures.NOW)
        assert answers[state]["state"] == state
    # A key binding where the credential has no cnf is refused by both
    issued = make(cnf=False)
    text = (
        issued.sd_jwt.rsplit("~", 1)[0]
        + "~"
        + sign(wallet_fixtures.new_key(), {"alg": "ES256", "typ": "kb+jwt"}, {"iat": wallet_fixtures.NOW})
    )
    jwks = {"keys": [public_jwk(key) | {"kid": kid} for kid, key in issued.keys.items()]}
    answers = compare(
        page, {"kb_without_cnf": text}, wallet_fixtures.ISSUER, issued.keys, jwks, wallet_fixtures.NOW
    )
    assert answers["kb_without_cnf"]["reason"] == "key_binding_invalid"


def test_last_a_replaced_licence_is_genuine_but_revoked(browser, server, held):
    """Last in the module: it revokes the credentials the tests above use."""
    # Given the father replaces his licence once more (the one his wallet holds is revoked)
    context = browser.new_context(base_url=server, locale="ar-KW")
    try:
        page = context.new_page()
        log_in(page, "father")
        replace_licence(page)
    finally:
        context.close()

    # Then the verifier, reading the status list, says genuine but revoked
    context, page = open_verifier(browser, server, "en-US")
    try:
        paste(page, held.age())
        expect(page.locator("#verdict")).to_contain_text("Genuine: issued by Sahl")
        expect(page.locator("#state")).to_have_text(in_language(STATES["revoked"], "en"))
        expect(page.locator("#verdict")).to_have_class(re.compile(r"verdict-bad"))
    finally:
        context.close()
