"""Hawiyati over HTTP: published metadata and status lists, the OpenID4VCI endpoints (JSON, no
session: a wallet app calls them), the holder's wallet page and the public verifier page."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.utils import perform_login
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sahl.core import untrusted
from sahl.core.errors import NotFound, TooMany
from sahl.core.languages import in_language
from sahl.core.problems import problem
from sahl.identity.current import address_of
from sahl.mandates.current import acting_of
from sahl.wallet import holding, issuing, logins, metadata, status
from sahl.wallet.page_words import LOGIN, LOGIN_REFUSALS, VERIFIER, WALLET
from sahl.wallet.verdicts import labels

log = logging.getLogger(__name__)
JWKS_MAX_AGE = 60  # seconds; keys.PUBLISH_AHEAD is far longer, so a cached set knows a new key first


def _public(data: Any, max_age: int = 300) -> JsonResponse:
    """Metadata anyone may read, from any origin (other wallets and verifiers run elsewhere)."""
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


@require_GET
def jwt_vc_issuer(request: HttpRequest) -> HttpResponse:
    """The issuer's keys. Short-lived in caches, so that a key retired at once (a compromise) leaves
    them within a minute; a planned rotation publishes the new key well before it signs (keys.py)."""
    published = metadata.jwt_vc_issuer()
    if published["jwks"]["keys"]:
        return _public(published, JWKS_MAX_AGE)
    # Never an empty set, which a verifier would cache and then refuse every credential with.
    log.error("wallet: no issuer key to publish; run `manage.py wallet_keys`")
    response = problem(503, "wallet.no_issuer_key")
    response["Retry-After"] = str(JWKS_MAX_AGE)
    response["Cache-Control"] = "no-store"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def issuer_metadata(request: HttpRequest) -> HttpResponse:
    return _public(metadata.issuer_metadata())


@require_GET
def oauth_metadata(request: HttpRequest) -> HttpResponse:
    return _public(metadata.oauth_metadata())


@require_GET
def type_metadata(request: HttpRequest, configuration: str) -> HttpResponse:
    try:
        return _public(metadata.type_metadata(configuration), 3600)
    except NotFound as e:
        raise Http404 from e


@require_GET
def status_lists(request: HttpRequest) -> HttpResponse:
    return _public({"lists": status.all_uris()}, 60)


@require_GET
def status_list(request: HttpRequest, list_id: int) -> HttpResponse:
    token = status.token(list_id)
    if token is None:
        raise Http404
    response = HttpResponse(token, content_type="application/statuslist+jwt")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-cache"  # a revocation must reach an online verifier at once
    return response


def _oauth_error(error: issuing.OAuthError) -> JsonResponse:
    response = JsonResponse(
        {"error": error.error, "error_description": error.description}, status=error.status
    )
    response["Cache-Control"] = "no-store"
    if error.status == 401:
        response["WWW-Authenticate"] = f'Bearer error="{error.error}"'
    return response


def _no_store(data: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(data)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # a wallet app, not a browser session: nothing here rides on cookies
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    try:
        answer = issuing.redeem(
            request.POST.get("grant_type", ""),
            request.POST.get("pre-authorized_code", ""),
            request.POST.get("tx_code", ""),
        )
    except issuing.OAuthError as e:
        return _oauth_error(e)
    return _no_store(answer)


@csrf_exempt
@require_POST
def nonce(request: HttpRequest) -> HttpResponse:
    return _no_store({"c_nonce": issuing.new_nonce()})


@csrf_exempt
@require_POST
def credential(request: HttpRequest) -> HttpResponse:
    scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
    try:
        if scheme.lower() != "bearer" or not bearer:
            raise issuing.OAuthError("invalid_token", "send the access token as a Bearer token", 401)
        try:
            body = untrusted.loads(request.body or b"null")
        except ValueError as e:
            raise issuing.OAuthError("invalid_credential_request", "the body is not JSON") from e
        answer = issuing.credential(bearer.strip(), body)
    except issuing.OAuthError as e:
        return _oauth_error(e)
    return _no_store(answer)


@login_required
@require_GET
def wallet(request: HttpRequest) -> HttpResponse:
    holder = holding.holder_of(acting_of(request))
    return render(
        request,
        "wallet/wallet.html",
        {
            "holder": holder,
            "documents": holding.documents_of(holder),
            "labels": labels(),
            "page": WALLET,
            "issuer": metadata.issuer(),
            "cache": WALLET_CACHE,
            "login": LOGIN,
            "login_refusals": {code: str(text) for code, text in LOGIN_REFUSALS.items()},
        },
    )


# The wallet's offline copies: named by the page that keeps itself and by its service worker.
WALLET_CACHE = "sahl-wallet-v1"


def _service_worker(request: HttpRequest, template: str) -> HttpResponse:
    response = render(request, template, {"cache": WALLET_CACHE}, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"  # a new release's worker must reach browsers at once
    return response


@require_GET
def wallet_worker(request: HttpRequest) -> HttpResponse:
    return _service_worker(request, "wallet/wallet-sw.js")


@require_GET
def verifier(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "wallet/verifier.html",
        {
            "labels": labels(),
            "issuer": metadata.issuer(),
            "loaded_at": timezone.now(),
            "page": VERIFIER,
        },
    )
    response["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
    return response


@require_GET
def verifier_worker(request: HttpRequest) -> HttpResponse:
    return _service_worker(request, "wallet/verifier-sw.js")


@require_GET
def verifier_manifest(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "wallet/verifier.webmanifest",
        {"page": VERIFIER},
        content_type="application/manifest+json",
    )


# --- Logging in with the wallet from another device (wallet.logins, docs/adr/0056) -------------

LOGIN_SESSION = "wallet_login"  # the waiting browser's request: {"handle": ..., "secret": ...}


def _waiting_secret(request: HttpRequest, handle: str) -> str:
    kept = request.session.get(LOGIN_SESSION) or {}
    return str(kept.get("secret", "")) if kept.get("handle") == handle else ""


def _refusal_text(code: str) -> str:
    found = LOGIN_REFUSALS.get(code)
    return in_language(found, get_language() or "ar") if found else ""


@require_GET
def login_request(request: HttpRequest, handle: str) -> HttpResponse:
    """The request object a wallet reads from the QR code's `request_uri`."""
    try:
        text = logins.request_object(handle)
    except NotFound:
        return problem(404, "wallet.login_request_unknown")
    response = HttpResponse(text, content_type="application/oauth-authz-req+jwt")
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # a wallet posts here (direct_post), not a page of Sahl's: nothing rides on cookies
@require_POST
def login_response(request: HttpRequest) -> HttpResponse:
    """The response URI: the wallet's presentation, as a form (`vp_token`, `state`)."""
    try:
        logins.answer(request.POST.get("state", ""), request.POST.get("vp_token", ""), address_of(request))
    except TooMany as e:
        return problem(429, e.code, e.params)
    except logins.Refused as e:
        status = 400 if e.code in ("request_unknown", "not_genuine") else 403
        body = {"error": "access_denied" if status == 403 else "invalid_request", "error_description": e.code}
        return _no_store_status(body | {"reason": e.code, "message": _refusal_text(e.code)}, status)
    return _no_store({})


def _no_store_status(data: dict[str, Any], status: int) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def login_progress(request: HttpRequest, handle: str) -> HttpResponse:
    """What the waiting browser's request is now (its script asks every two seconds)."""
    try:
        now = logins.progress(handle, _waiting_secret(request, handle))
    except NotFound:
        return problem(404, "wallet.login_request_unknown")
    return _no_store_status(
        {"state": now.state, "reason": now.reason, "message": _refusal_text(now.reason)}, 200
    )


@require_GET
def login_finish(request: HttpRequest, handle: str) -> HttpResponse:
    """The waiting browser logs in as the presented civil ID's holder, through allauth's login (its
    stages: a second factor the person set up is still asked; its signals: the audit's login)."""
    try:
        user = logins.finish(handle, _waiting_secret(request, handle))
    except logins.Refused as e:
        messages.error(request, _refusal_text(e.code))
        return redirect("account_login")
    request.session.pop(LOGIN_SESSION, None)
    target = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return perform_login(request, user, redirect_url=target if safe and target else None)
