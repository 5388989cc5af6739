"""The pages of joining Sahl and recovering an account (identity.joining): the civil ID card, the code
by SMS, the password, then the offer of a passkey. The proof in progress lives in the session, so it
belongs to this browser only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sahl.core.errors import SahlError
from sahl.core.messages import message
from sahl.identity import joining
from sahl.identity.current import address_of
from sahl.identity.models import IdentityProof

PROOF = "sahl_identity_proof"  # session: {"id": proof, "phone": masked number, "purpose": ...}
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _language() -> str:
    return get_language() or "ar"


class CardForm(forms.Form):
    civil_id = forms.CharField(
        label=gettext_lazy("Civil ID"),
        max_length=20,
        error_messages={"required": gettext_lazy("Type your civil ID.")},
    )
    serial = forms.CharField(
        label=gettext_lazy("Serial number of your civil ID card"),
        help_text=gettext_lazy("Printed on the back of the card, below the chip."),
        max_length=20,
        error_messages={"required": gettext_lazy("Type the serial number printed on your civil ID card.")},
    )


class PasswordForm(forms.Form):
    password1 = forms.CharField(
        label=gettext_lazy("New password"),
        strip=False,
        max_length=200,
        error_messages={"required": gettext_lazy("Choose a password.")},
    )
    password2 = forms.CharField(
        label=gettext_lazy("The same password again"),
        strip=False,
        max_length=200,
        error_messages={"required": gettext_lazy("Type the password again.")},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", message("join.passwords_differ", _language()))
        elif first:
            try:
                validate_password(str(first))
            except ValidationError as refused:
                self.add_error("password1", refused)
        return data


@never_cache
@require_http_methods(["GET", "POST"])
def card(request: HttpRequest, purpose: str) -> HttpResponse:
    """Step 1: the civil ID and the card's serial number."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = CardForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            sent = joining.start(
                form.cleaned_data["civil_id"],
                form.cleaned_data["serial"],
                purpose,
                _language(),
                address_of(request),
            )
        except SahlError as refused:
            error = message(refused.code, _language(), **refused.params)
        else:
            request.session[PROOF] = {"id": sent.proof_id, "phone": sent.phone, "purpose": purpose}
            return redirect("identity:join_code")
    return render(
        request,
        "identity/join_card.html",
        {"form": form, "error": error, "recovering": purpose == IdentityProof.Purpose.RECOVER},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code sent by SMS to the register's mobile number (or a new one)."""
    pending = request.session.get(PROOF)
    if not pending:
        return redirect("identity:join")
    error = None
    if request.method == "POST":
        try:
            if "send" in request.POST:
                sent = joining.resend(pending["id"], _language(), address_of(request))
                request.session[PROOF] = {**pending, "id": sent.proof_id}
                return redirect("identity:join_code")
            joining.confirm(pending["id"], request.POST.get("code", "")[:20], address_of(request))
        except SahlError as refused:
            error = message(refused.code, _language(), **refused.params)
        else:
            return redirect("identity:join_password")
    return render(
        request,
        "identity/join_code.html",
        {"phone": pending["phone"], "error": error},
        status=400 if error else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def password(request: HttpRequest) -> HttpResponse:
    """Step 3: the password; then the person is logged in (unless their account asks a second factor)."""
    pending = request.session.get(PROOF)
    if not pending or not joining.proven(pending["id"]):
        return redirect("identity:join")
    form = PasswordForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            done = joining.finish(
                pending["id"], form.cleaned_data["password1"], _language(), address_of(request)
            )
        except SahlError as refused:
            error = message(refused.code, _language(), **refused.params)
        else:
            request.session.pop(PROOF, None)
            if done.asks_second_factor:
                messages.success(
                    request, _("Your new password is set. Log in with it and your second factor.")
                )
                return redirect("account_login")
            login(request, done.user, backend=BACKEND)
            request.session["sahl_joined"] = done.opened
            return redirect("identity:join_welcome")
    return render(
        request,
        "identity/join_password.html",
        {"form": form, "error": error, "recovering": pending.get("purpose") == IdentityProof.Purpose.RECOVER},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
def welcome(request: HttpRequest) -> HttpResponse:
    """Step 4: logged in; a passkey is offered, so that the next login needs no password."""
    if not request.user.is_authenticated:
        return redirect("account_login")
    opened = bool(request.session.get("sahl_joined"))
    title = _("Welcome to Sahl") if opened else _("Your new password is set")
    return render(request, "identity/join_welcome.html", {"opened": opened, "title": title})
