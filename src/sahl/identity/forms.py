from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sahl.core.civil_id import CivilId
from sahl.core.errors import BadInput
from sahl.core.messages import message
from sahl.identity import services
from sahl.identity.current import address_of


class CivilIdLoginForm(LoginForm):
    """allauth's login form, asking for a civil ID and checking its form before any lookup."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Civil ID")
        login.widget = forms.TextInput(
            attrs={"autocomplete": "username", "inputmode": "numeric", "maxlength": "14", "dir": "ltr"}
        )
        login.error_messages["required"] = _("Type your civil ID.")
        self.fields["password"].label = _("Password")
        self.fields["password"].error_messages["required"] = _("Type your password.")
        self.fields.pop("remember", None)

    def clean(self) -> dict[str, Any]:
        """allauth's refusals in Sahl's words: a person logs in with a civil ID, not a username."""
        try:
            return super().clean()
        except forms.ValidationError as error:
            raise in_sahls_words(error) from None

    def clean_login(self) -> str:
        try:
            return CivilId.parse(self.cleaned_data["login"]).value
        except BadInput as exc:
            raise forms.ValidationError(message(exc.code, get_language() or "ar")) from None


LOGIN_ERRORS = {
    "username_password_mismatch": _("The civil ID or the password is not right."),
    "too_many_login_attempts": _("Too many failed attempts to log in. Try again later."),
}


def in_sahls_words(error: forms.ValidationError) -> forms.ValidationError:
    """allauth's refusal said in Sahl's words when Sahl has its own (else as it is)."""
    code = getattr(error, "code", None) or ""
    return forms.ValidationError(LOGIN_ERRORS[code], code=code) if code in LOGIN_ERRORS else error


class FactorsMixin:
    """What the second-factor pages offer depends on the person's factors: a code field only to
    someone with an authenticator app or recovery codes, labelled for what they have."""

    user: Any
    fields: dict[str, forms.Field]

    def know_factors(self) -> None:
        types = set(Authenticator.objects.filter(user_id=self.user.pk).values_list("type", flat=True))
        self.has_passkey = Authenticator.Type.WEBAUTHN in types
        self.has_app = Authenticator.Type.TOTP in types
        self.has_recovery_codes = Authenticator.Type.RECOVERY_CODES in types
        code = self.fields["code"]
        code.label = (
            _("Code from your authenticator app, or a recovery code") if self.has_app else _("Recovery code")
        )
        code.widget.attrs.pop("placeholder", None)
        code.widget.attrs.update({"dir": "ltr", "autocomplete": "one-time-code", "maxlength": "20"})
        code.error_messages["required"] = _("Type the code.")


class SecondFactorForm(FactorsMixin, AuthenticateForm):
    """allauth's form for the second factor's code, knowing the person's factors (`has_passkey`,
    `has_app`, `has_recovery_codes`) and whether they may ask for a code by SMS instead
    (`sms_phone`: their masked number; the page offers it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sms_phone = services.sms_phone_of(self.user)
        self.know_factors()

    def clean_code(self) -> str:
        """allauth's check of the code, held by the throttle of wrong codes from this address for
        this person (identity.services): a refused try is not counted, a wrong one is."""
        address = address_of(context.request)
        until = services.second_factor_paused_until(self.user, address)
        if until is not None:
            time = timezone.localtime(until).strftime("%H:%M")
            raise forms.ValidationError(message("login.codes_paused", get_language() or "ar", time=time))
        try:
            code: str = super().clean_code()
        except forms.ValidationError as error:
            services.record_failed_second_factor(self.user, address)
            raise in_sahls_words(error) from None
        return code


class ReauthenticateCodeForm(FactorsMixin, ReauthenticateForm):
    """allauth's "confirm it is you" by a code, labelled for the person's factors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.know_factors()
