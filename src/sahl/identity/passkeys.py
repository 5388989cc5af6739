"""Passkeys and the other second factors as Sahl has them, on top of allauth's mfa.

- A passkey added in Sahl can always log in on its own: the add page asks the device for a
  discoverable credential with user verification (a fingerprint, face or PIN) and refuses one
  without, so there is no "Passwordless" box to forget (allauth's add form offers it unticked).
- Its default name is "Passkey 1", "مفتاح مرور 1"..., not allauth's "Master key"; a default name
  reads in the page's language whichever language it was added in (`passkey_name`).
- Codes are refused in Sahl's words, in both languages (`MfaAdapter.error_messages`).

Wired in settings: MFA_ADAPTER, MFA_FORMS, and the add page's address in identity.urls (before
allauth's, same path and name)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from allauth.account.models import Login
from allauth.account.utils import get_next_redirect_url
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.forms import (
    AddWebAuthnForm,
    AuthenticateWebAuthnForm,
    EditWebAuthnForm,
    LoginWebAuthnForm,
    ReauthenticateWebAuthnForm,
)
from allauth.mfa.webauthn.internal import auth, flows
from allauth.mfa.webauthn.views import AddWebAuthnView, LoginWebAuthnView
from django import forms
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sahl.identity.forms import in_sahls_words

# A name Sahl gave, in either language: shown in the page's language (a person may switch).
_DEFAULT_NAME = re.compile(r"^(?:Passkey|مفتاح مرور) ([0-9]{1,4})$")


def default_passkey_name(number: int) -> str:
    """ "Passkey 3" / "مفتاح مرور 3" in the active language (Sahl's pages write Latin digits)."""
    return gettext("Passkey {number}").format(number=number)


def passkey_name(name: str) -> str:
    """A passkey's name for the page: one Sahl gave in the active language, one the person typed as is."""
    match = _DEFAULT_NAME.match(name.strip())
    if match is None:
        return name
    return default_passkey_name(int(match.group(1)))


class MfaAdapter(DefaultMFAAdapter):
    error_messages = DefaultMFAAdapter.error_messages | {
        "incorrect_code": _("That code is not right. Check it and try again."),
        "cannot_delete_authenticator": _("This second factor cannot be removed."),
    }

    def generate_authenticator_name(self, user: AbstractBaseUser, type: Authenticator.Type) -> str:
        taken = Authenticator.objects.filter(user_id=user.pk, type=type).count()
        return default_passkey_name(taken + 1)


class PasskeyForm(AddWebAuthnForm):
    """allauth's add form without its "Passwordless" box: every passkey is one (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("passwordless", None)
        name = self.fields["name"]
        name.label = _("Name of this passkey")
        name.help_text = _("So that you can tell your passkeys apart, for example “My phone”.")
        name.max_length = 60
        name.widget.attrs.update({"maxlength": "60", "autocomplete": "off"})

    def clean(self) -> dict[str, Any]:
        # allauth's clean refuses a credential made without user verification when this is set.
        self.cleaned_data["passwordless"] = True
        return super().clean()


class RenamePasskeyForm(EditWebAuthnForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name = self.fields["name"]
        name.label = _("Name of this passkey")
        name.max_length = 60
        name.widget.attrs.update({"maxlength": "60", "autocomplete": "off"})
        name.error_messages["required"] = _("Type a name for this passkey.")
        self.initial["name"] = passkey_name(str(self.initial.get("name", "")))


PASSKEY_REFUSED = _(
    "Sahl did not recognise this passkey. It may have been removed from your account: "
    "use another way to log in, then add a passkey again."
)


class PasskeyErrors(AuthenticateWebAuthnForm):
    """A refused passkey is not "an incorrect code": say what happened (too many tries stays)."""

    def clean_credential(self) -> Authenticator:
        try:
            return super().clean_credential()
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "incorrect_code":
                raise forms.ValidationError(PASSKEY_REFUSED, code="passkey_refused") from None
            raise in_sahls_words(error) from None


class PasskeyStepForm(PasskeyErrors):
    """The passkey on the second-factor step."""


class PasskeyLoginForm(PasskeyErrors, LoginWebAuthnForm):
    """Logging in with a passkey alone."""


class PasskeyReauthenticateForm(PasskeyErrors, ReauthenticateWebAuthnForm):
    """Confirming it is you with a passkey."""


class PasskeyLoginView(LoginWebAuthnView):
    """allauth's passkey login, which forgets where the person was going (its Login has no
    redirect_url): here the login page's `next` (checked like every redirect) is kept."""

    def form_valid(self, form: Any) -> HttpResponse:
        authenticator = form.cleaned_data["credential"]
        login = Login(user=authenticator.user, redirect_url=get_next_redirect_url(self.request))
        response: HttpResponse = flows.perform_passwordless_login(self.request, authenticator, login)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        for error in form.errors.get("credential", []):
            messages.error(self.request, error)
        url = reverse("account_login")
        next_url = get_next_redirect_url(self.request)
        if next_url:
            url += "?" + urlencode({"next": next_url})
        return HttpResponseRedirect(url)


login_passkey = PasskeyLoginView.as_view()


class AddPasskeyView(AddWebAuthnView):
    """allauth's add page, asking the device for a passkey that logs in on its own: a discoverable
    credential with user verification (allauth asks for that only when its box is ticked)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super(AddWebAuthnView, self).get_context_data(**kwargs)  # not its options
        context["js_data"] = {"creation_options": auth.begin_registration(self.request.user, True)}
        return context


add_passkey = AddPasskeyView.as_view()
