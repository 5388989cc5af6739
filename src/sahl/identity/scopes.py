"""What an app may ask for: one scope per area of the people's API (the routers of sahl.api_urls),
besides OpenID Connect's own. The consent page reads each scope's description in the person's
language; the API refuses a token whose scopes lack the operation's (identity.bearer)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import BaseScopes

OPENID = "openid"
PROFILE = "profile"

# The order is the consent page's.
SCOPES: dict[str, Promise] = {
    OPENID: _("Know that it is you (an identifier for you that tells nothing else)"),
    PROFILE: _("Read your name in Arabic and English and your language"),
    "applications": _("See your applications and file, answer or cancel them"),
    "payments": _("See the fees due and your payments"),
    "notifications": _("Read your inbox and your notification settings"),
    "wallet": _("See your documents in Hawiyati and send them to a wallet app"),
    "mandates": _("See whom you may act for and who may act for you"),
    "business": _("See and manage the companies you act for"),
    "journeys": _("Follow your life-event journeys"),
    "privacy": _("Download a copy of your data"),
    "audit": _("See who looked at your data"),
}

# What an app gets when it names no scope: knowing who the person is, nothing more.
DEFAULT_SCOPES = [OPENID]


class SahlScopes(BaseScopes):
    """django-oauth-toolkit's scopes backend over `SCOPES` (OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"])."""

    def get_all_scopes(self) -> dict[str, Promise]:
        return SCOPES

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(SCOPES)

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return DEFAULT_SCOPES
