"""Logging in with Hawiyati from another device, as Singpass does: OpenID for Verifiable
Presentations 1.0, cross-device flow, answered by `direct_post` (docs/adr/0056).

1. A browser on the login page asks for a request (`start`): it shows a QR code of the request's
   URI and a short code, and keeps the request's secret in its session.
2. The wallet on the phone reads the request object (`request_object`): an unsigned
   `oauth-authz-req+jwt` under the `redirect_uri:` client identifier prefix, asking by DCQL for a
   credential of the type `{issuer}/vct/civil_id`, with a nonce, a state and the response URI.
3. The wallet POSTs the presentation, a key-binding JWT over the nonce and audience (the
   client_id), to the response URI (`answer`). Sahl checks the issuer's signature, the status
   list, the nonce, the audience, the key binding's freshness, the request's two minutes, that the
   presentation was never seen before and that it answers this request; each refusal has its code.
4. The waiting browser polls (`progress`) and, once accepted, logs in (`finish`) as the civil
   ID's holder through allauth, in its own request: the session, second factor, language and audit
   rules are those of any login. Only the browser holding the request's secret can finish it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.utils import timezone

from sahl.audit.services import append
from sahl.core.errors import NotFound
from sahl.identity import throttle
from sahl.identity.models import User
from sahl.identity.rules import source_of
from sahl.wallet import keys, sdjwt, verifying
from sahl.wallet.jose import JoseError, b64url, compact_json, parse
from sahl.wallet.metadata import issuer, vct
from sahl.wallet.models import SeenPresentation, WalletLogin

LIFETIME = dt.timedelta(minutes=2)  # a QR code on a screen is worth little to a relay after that
PROOF_AGE = 120  # seconds a key binding's iat may be from Sahl's clock
CONFIGURATION = "civil_id"  # the credential a login asks for (wallet.registered: everyone holds it)
QUERY_ID = "civil_id"  # the DCQL credential query's id: the key of the answer's vp_token
DISCLOSED = ("civil_id",)  # the claims the login needs; the wallet may show more, Sahl keeps these
REQUEST_TYP = "oauth-authz-req+jwt"


class Refused(Exception):
    """The wallet's answer is not accepted; `code` is one of `page_words.LOGIN_REFUSALS`."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def response_uri() -> str:
    return f"{issuer()}/wallet/login/response"


def client_id() -> str:
    """OID4VP 1.0's `redirect_uri` client identifier prefix: the verifier is named by where the
    answer goes, so a wallet shows that origin, and the key binding's audience is this text."""
    return f"redirect_uri:{response_uri()}"


def request_uri(login: WalletLogin) -> str:
    return f"{issuer()}/wallet/login/{login.handle}/request"


@dataclass(frozen=True)
class Started:
    login: WalletLogin
    secret: str  # the browser's: kept in its session, never shown

    @property
    def wallet_url(self) -> str:
        """The QR code's text: Sahl's web wallet with the authorization request's parameters."""
        return f"{issuer()}/wallet/?" + self.query

    @property
    def openid4vp_url(self) -> str:
        """The same request for any OpenID4VP wallet app on this device."""
        return "openid4vp://?" + self.query

    @property
    def query(self) -> str:
        return urlencode({"client_id": client_id(), "request_uri": request_uri(self.login)})


def start(address: str) -> Started:
    """A new login request for a browser on the login page (per source: the shared throttle)."""
    throttle.take("wallet_login.start", source_of(address), refusal="wallet.login_too_many")
    secret = secrets.token_urlsafe(32)
    login = WalletLogin.objects.create(
        handle=secrets.token_urlsafe(24),
        browser_sha256=_sha256(secret),
        nonce=secrets.token_urlsafe(24),
        short_code=f"{secrets.randbelow(10**4):04d}",
        expires_at=timezone.now() + LIFETIME,
    )
    return Started(login, secret)


def waiting(handle: str, secret: str) -> Started | None:
    """The browser's own request if it is still waiting and fresh (a reload shows the same code)."""
    login = _own(handle, secret)
    if login is None or login.outcome != WalletLogin.Outcome.WAITING or login.expires_at <= timezone.now():
        return None
    return Started(login, secret)


def request_object(handle: str) -> str:
    """The authorization request a wallet reads from `request_uri` (OID4VP 1.0, section 5): unsigned,
    as the `redirect_uri` prefix requires, so `alg` is `none`."""
    login = WalletLogin.objects.filter(handle=handle).first()
    if login is None or login.expires_at <= timezone.now() or login.outcome != WalletLogin.Outcome.WAITING:
        raise NotFound("wallet.login_request_unknown")
    claims: dict[str, Any] = {
        "client_id": client_id(),
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": response_uri(),
        "nonce": login.nonce,
        "state": login.handle,
        "dcql_query": {
            "credentials": [
                {
                    "id": QUERY_ID,
                    "format": "dc+sd-jwt",
                    "meta": {"vct_values": [vct(CONFIGURATION)]},
                    "claims": [{"path": [name]} for name in DISCLOSED],
                }
            ]
        },
        "client_metadata": {
            "client_name": "Sahl",
            "vp_formats_supported": {
                "dc+sd-jwt": {"sd-jwt_alg_values": ["ES256"], "kb-jwt_alg_values": ["ES256"]}
            },
        },
        # Sahl's own member: the code the waiting browser shows, for the person to compare.
        "sahl_short_code": login.short_code,
        "exp": int(login.expires_at.timestamp()),
    }
    header = {"alg": "none", "typ": REQUEST_TYP}
    return f"{b64url(compact_json(header))}.{b64url(compact_json(claims))}."


def _presentation(vp_token: str) -> str:
    """The one SD-JWT presentation of the answer: OID4VP 1.0's `{"civil_id": ["<sd-jwt>"]}` (a bare
    presentation, as earlier drafts sent, is taken too)."""
    text = vp_token.strip()
    if not text.startswith("{"):
        return text
    try:
        answer = json.loads(text)
    except ValueError as e:
        raise Refused("not_genuine") from e
    found = answer.get(QUERY_ID) if isinstance(answer, dict) else None
    if isinstance(found, list) and len(found) == 1 and isinstance(found[0], str):
        return found[0]
    if isinstance(found, str):
        return found
    raise Refused("not_civil_id")


def answer(state: str, vp_token: str, address: str) -> WalletLogin:
    """The response endpoint: check the wallet's presentation for the request named by `state`.
    A refusal is kept as the request's latest reason, for the waiting browser to show, but leaves it
    waiting: whoever read the QR code cannot spoil the person's request with a bad answer."""
    throttle.take("wallet_login.answer", source_of(address), refusal="wallet.login_too_many")
    if not state or not vp_token or len(vp_token) > 20_000:
        raise Refused("request_unknown")
    text = _presentation(vp_token)
    with transaction.atomic():
        login = WalletLogin.objects.select_for_update().filter(handle=state).first()
        if login is None:
            raise Refused("request_unknown")
        try:
            civil_id, refusal = _check(login, text), ""
        except Refused as refused:
            civil_id, refusal = "", refused.code
        if login.outcome == WalletLogin.Outcome.WAITING:
            login.reason = refusal
            if not refusal:
                login.outcome, login.civil_id, login.answered_at = (
                    WalletLogin.Outcome.ACCEPTED,
                    civil_id,
                    timezone.now(),
                )
            login.save(update_fields=["outcome", "reason", "civil_id", "answered_at"])
    if refusal:
        raise Refused(refusal)
    return login


def _check(login: WalletLogin, text: str) -> str:
    """The checks in the order that names the most useful reason; the civil ID when all hold."""
    kb_jwt = text.rsplit("~", 1)[-1]
    if kb_jwt and SeenPresentation.objects.filter(sha256=_sha256(kb_jwt)).exists():
        raise Refused("replayed")
    if login.outcome != WalletLogin.Outcome.WAITING:
        raise Refused("request_answered")
    if login.expires_at <= timezone.now():
        raise Refused("request_expired")
    now = int(time.time())
    bound: dict[str, Any] = {}

    def nonce_ok(nonce: str, iat: int) -> bool:
        bound.update(nonce=nonce, iat=iat)
        return True  # judged below, to name the reason

    try:
        checked = sdjwt.verify(
            text, issuer(), keys.verifying_keys(), sdjwt.Binding(client_id(), nonce_ok), now
        )
    except JoseError as e:
        if e.code == "key_binding_invalid" and _audience(kb_jwt) not in (None, client_id()):
            raise Refused("wrong_audience") from e
        raise Refused("key_binding_missing" if e.code == "key_binding_missing" else "not_genuine") from e
    if "cnf" not in checked.payload:
        raise Refused("key_binding_missing")
    if bound.get("nonce") != login.nonce:
        other = WalletLogin.objects.filter(nonce=str(bound.get("nonce", ""))).exists()
        raise Refused("foreign_request" if other else "wrong_nonce")
    if abs(int(bound["iat"]) - now) > PROOF_AGE:
        raise Refused("stale_proof")
    try:
        with transaction.atomic():
            SeenPresentation.objects.create(sha256=_sha256(kb_jwt), login=login)
    except IntegrityError as e:  # the same presentation, posted twice at once
        raise Refused("replayed") from e
    if checked.payload.get("vct") != vct(CONFIGURATION):
        raise Refused("not_civil_id")
    if checked.timing != "valid":
        raise Refused("credential_expired")
    state = verifying.status_of(checked.status_reference)
    if state in ("revoked", "suspended", "unknown"):
        _audit_refusal(str(checked.claims.get("civil_id", "")), state)
        raise Refused(f"credential_{state}")
    civil_id = checked.claims.get("civil_id")
    if not isinstance(civil_id, str) or not civil_id:
        raise Refused("not_civil_id")
    return civil_id


def _audience(kb_jwt: str) -> str | None:
    try:
        return str(parse(kb_jwt, sdjwt.KB_TYP).payload.get("aud"))
    except JoseError:
        return None


def _audit_refusal(civil_id: str, state: str) -> None:
    """A genuine civil ID refused for its status: its holder sees the attempt in their security log."""
    if civil_id:
        append("login_failed", subject_civil_id=civil_id, detail=f"wallet credential {state}")


def _own(handle: str, secret: str) -> WalletLogin | None:
    login = WalletLogin.objects.filter(handle=handle).first()
    if login is None or not secrets.compare_digest(login.browser_sha256, _sha256(secret or "")):
        return None
    return login


@dataclass(frozen=True)
class Progress:
    state: str  # waiting | accepted | expired | used
    reason: str = ""  # the latest refused answer's, while waiting


def progress(handle: str, secret: str) -> Progress:
    """What the waiting browser's request is now (only that browser may ask)."""
    login = _own(handle, secret)
    if login is None:
        raise NotFound("wallet.login_request_unknown")
    if login.outcome == WalletLogin.Outcome.WAITING and login.expires_at <= timezone.now():
        return Progress("expired", "request_expired")
    return Progress(login.outcome, login.reason)


def finish(handle: str, secret: str) -> User:
    """The accepted request's holder, once, for the browser that asked: the caller logs them in."""
    with transaction.atomic():
        login = _own(handle, secret)
        if login is not None:
            login = WalletLogin.objects.select_for_update().get(pk=login.pk)
        if login is None or login.outcome != WalletLogin.Outcome.ACCEPTED:
            raise Refused("request_unknown")
        if login.answered_at is None or timezone.now() - login.answered_at > LIFETIME:
            raise Refused("request_expired")
        user = User.objects.filter(civil_id=login.civil_id, is_active=True).first()
        if user is None:
            raise Refused("no_account")
        login.outcome = WalletLogin.Outcome.USED
        login.save(update_fields=["outcome"])
    return user


def sweep() -> int:
    """Requests an hour past their end, with the presentations they saw (which a replay can no longer
    use: their request's nonce is gone with them)."""
    return int(WalletLogin.objects.filter(expires_at__lt=timezone.now() - dt.timedelta(hours=1)).delete()[0])
