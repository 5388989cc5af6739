"""The second-factor step of allauth's login, which also knows the code by SMS.

allauth runs a login as a list of stages (`AccountAdapter.get_login_stages`); after the password,
`allauth.mfa.stages.AuthenticateStage` asks for a second factor when the person has an
authenticator app or a passkey. `SecondFactorStage` takes its place under the same key, so
allauth's own second-factor page (`mfa_authenticate`) keeps working, and adds the SMS factor:

- a person with an app or a passkey goes to allauth's page, which offers "send me a code by SMS
  instead" when they also have the SMS factor (templates/mfa/authenticate.html);
- a person whose only second factor is SMS gets a code at once and goes to `identity:sms_login`.

The code sent in this login is remembered in the stage's state (the login's session data)."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import record_authentication
from allauth.account.internal.stagekit import stash_login
from allauth.account.stages import LoginStageController
from allauth.core.internal.httpkit import headed_redirect_response
from allauth.mfa.internal.flows import trust
from allauth.mfa.models import Authenticator
from allauth.mfa.stages import AuthenticateStage
from allauth.mfa.utils import is_mfa_enabled
from allauth.mfa.webauthn.internal.flows import did_use_passwordless_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from sahl.core.errors import SahlError
from sahl.identity import services
from sahl.identity.models import User

APP_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
CODE = "sms_code"  # the id of the code sent in this login
ERROR = "sms_error"  # why the code sent on entering the stage did not go, shown on the page once


class SecondFactorStage(AuthenticateStage):
    def handle(self) -> tuple[Any, bool]:
        user = self.login.user
        if not isinstance(user, User) or did_use_passwordless_login(self.request, user):
            return None, True
        if trust.is_trusted_browser(self.request, user):
            return None, True
        if is_mfa_enabled(user, APP_TYPES):
            self.state["authentication_required"] = True
            return headed_redirect_response("mfa_authenticate"), True
        if not services.has_sms_factor(user):
            return None, True
        self.state["authentication_required"] = True
        self._send()
        return headed_redirect_response("identity:sms_login"), True

    # --- used by identity.views.sms_login ------------------------------------------------------

    @property
    def person(self) -> User:
        user = self.login.user
        if not isinstance(user, User):  # pending() hands out only stages of a person
            raise TypeError("a second-factor stage without a person")
        return user

    def has_app_factor(self) -> bool:
        return is_mfa_enabled(self.person, APP_TYPES)

    @property
    def code_id(self) -> int | None:
        value = self.state.get(CODE)
        return value if isinstance(value, int) else None

    def send_code(self) -> None:
        """Send a new code for this login (raises SahlError: too soon, too many, not sent)."""
        sent = services.send_login_code(self.person, get_language() or "ar", self.code_id)
        self.state[CODE] = sent.code_id
        stash_login(self.request, self.login)

    def take_error(self) -> SahlError | None:
        """Why the code that handle() tried to send did not go, once."""
        error = self.state.pop(ERROR, None)
        if not isinstance(error, dict):
            return None
        stash_login(self.request, self.login)
        return SahlError(str(error.get("code")), **dict(error.get("params") or {}))

    def passed(self) -> HttpResponse:
        """The code was right: note the second factor in the session's record and go on."""
        record_authentication(self.request, self.person, method="mfa", type="sms")
        response: HttpResponse = self.exit()
        return response

    def _send(self) -> None:
        try:
            self.send_code()
        except SahlError as error:
            self.state[ERROR] = {"code": error.code, "params": {k: str(v) for k, v in error.params.items()}}


def pending(request: HttpRequest) -> SecondFactorStage | None:
    """The second-factor stage of the login going on in this session, if it is the current one."""
    stage = LoginStageController.enter(request, SecondFactorStage.key)
    if isinstance(stage, SecondFactorStage) and isinstance(stage.login.user, User):
        return stage
    return None
