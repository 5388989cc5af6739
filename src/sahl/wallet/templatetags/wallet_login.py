"""The login page's "Log in with Hawiyati" panel: the browser's waiting request (a new one, or the
same one again on a reload), drawn as a QR code with its short code (wallet.logins)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno
from django import template
from django.urls import reverse
from django.utils.translation import get_language

from sahl.core.errors import NotFound, TooMany
from sahl.core.messages import message
from sahl.identity.current import address_of
from sahl.wallet import logins
from sahl.wallet.page_words import LOGIN, LOGIN_REFUSALS
from sahl.wallet.views import LOGIN_SESSION

register = template.Library()


@register.inclusion_tag("wallet/login_panel.html", takes_context=True)
def wallet_login_panel(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    language = get_language() or "ar"
    kept = request.session.get(LOGIN_SESSION) or {}
    handle, secret = str(kept.get("handle", "")), str(kept.get("secret", ""))
    now = _progress(handle, secret)
    next_url = context.get("redirect_field_value") or ""
    if now is not None and now.state == "accepted":  # approved on the phone; no script to go on by itself
        finish = reverse("wallet:login_finish", args=[handle])
        return {
            "page": LOGIN,
            "finish_url": finish + (f"?{urlencode({'next': next_url})}" if next_url else ""),
        }
    started = logins.waiting(handle, secret)
    if started is None:
        try:
            started = logins.start(address_of(request))
        except TooMany as e:
            return {"page": LOGIN, "refused": message(e.code, language, **e.params)}
        request.session[LOGIN_SESSION] = {"handle": started.login.handle, "secret": started.secret}
    qr = segno.make(started.wallet_url, error="m")
    return {
        "page": LOGIN,
        "login": started.login,
        "qr": qr.svg_data_uri(scale=4, border=4),
        "qr_size": qr.symbol_size(scale=4, border=4)[0],
        "wallet_url": started.wallet_url,
        # The link on this device stays on this site: the address without its origin (the QR carries
        # it whole, for the phone).
        "wallet_link": urlunsplit(urlsplit(started.wallet_url)._replace(scheme="", netloc="")),
        "openid4vp_url": started.openid4vp_url,
        "next": next_url,
        "refusal": LOGIN_REFUSALS.get(now.reason) if now is not None else None,
    }


def _progress(handle: str, secret: str) -> logins.Progress | None:
    if not handle:
        return None
    try:
        return logins.progress(handle, secret)
    except NotFound:
        return None
