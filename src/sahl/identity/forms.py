from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm
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
        self.fields["password"].label = _("Password")
        self.fields.pop("remember", None)

    def clean_login(self) -> str:
        try:
            return CivilId.parse(self.cleaned_data["login"]).value
        except BadInput as exc:
            raise forms.ValidationError(message(exc.code, get_language() or "ar")) from None


class SecondFactorForm(AuthenticateForm):
    """allauth's form for the authenticator-app code, knowing whether the person may ask for a code
    by SMS instead (`sms_phone`: their masked number; the page offers it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sms_phone = services.sms_phone_of(self.user)

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
        except forms.ValidationError:
            services.record_failed_second_factor(self.user, address)
            raise
        return code
