"""How Sahl shapes allauth's login: no self-signup, the second-factor stage that knows the code by
SMS (identity.stages), and the throttle of wrong passwords (identity.services, ADR 0014)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from sahl.core.messages import message
from sahl.identity import services

ALLAUTH_SECOND_FACTOR = "allauth.mfa.stages.AuthenticateStage"
SAHL_SECOND_FACTOR = "sahl.identity.stages.SecondFactorStage"


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created from the population register, never by self-signup (for now)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_stages(self) -> list[str]:
        """allauth's stages, with its second-factor stage replaced by one that also sends codes by
        SMS (same key and page, so allauth's own second-factor views keep working)."""
        return [
            SAHL_SECOND_FACTOR if path == ALLAUTH_SECOND_FACTOR else path
            for path in super().get_login_stages()
        ]

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Before the password is checked: refuse while this source, or this source for this
        account, has had too many wrong passwords (never the account from everywhere)."""
        super().pre_authenticate(request, **credentials)
        until = services.login_paused_until(_identifier(credentials), self.get_client_ip(request))
        if until is not None:
            time = timezone.localtime(until).strftime("%H:%M")
            raise forms.ValidationError(message("login.paused", get_language() or "ar", time=time))

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        services.record_failed_login(_identifier(credentials), self.get_client_ip(request))


def _identifier(credentials: dict[str, Any]) -> str:
    return str(credentials.get("civil_id") or credentials.get("username") or credentials.get("login") or "")
