"""The second factor by SMS: turning it on (confirming the number) and off from the Security page,
and typing the code at login."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sahl.core.errors import SahlError
from sahl.core.messages import message
from sahl.identity import services, stages
from sahl.identity.current import person_of


def _language() -> str:
    return get_language() or "ar"


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def sms_setup(request: HttpRequest) -> HttpResponse:
    """Turn the SMS second factor on (send a code to the number, type it back) or off. allauth asks
    for the password again first, as it does before adding an authenticator app."""
    user = person_of(request)
    phone = request.POST.get("phone", user.phone)[:40]
    error: str | None = None
    if request.method == "POST":
        try:
            if "disable" in request.POST:
                services.disable_sms_factor(user, _address(request))
                messages.success(request, _("Codes by SMS are turned off."))
                return redirect("mfa_index")
            if "confirm" in request.POST:
                services.confirm_sms_enrolment(user, request.POST.get("code", "")[:20], _address(request))
                messages.success(
                    request, _("Codes by SMS are turned on: you will need one each time you log in.")
                )
                return redirect("mfa_index")
            if "resend" in request.POST:
                services.resend_sms_enrolment(user, _language())
            else:
                services.start_sms_enrolment(user, phone, _language(), _address(request))
            return redirect("identity:sms_setup")
        except SahlError as failure:
            error = message(failure.code, _language(), **failure.params)
    change = request.GET.get("change") == "1" or "phone" in request.POST
    return render(
        request,
        "identity/sms_setup.html",
        {
            "active": services.sms_phone_of(user),
            "pending": None if change else services.pending_sms_enrolment(user),
            "phone": phone,
            "error": error,
            "confirming": "confirm" in request.POST,
        },
        status=400 if error else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sms_login(request: HttpRequest) -> HttpResponse:
    """After the password: type the code sent by SMS (or ask for a new one)."""
    if request.user.is_authenticated:
        return redirect("portal:home")
    stage = stages.pending(request)
    if stage is None:
        return redirect("account_login")
    user = stage.person
    failure = stage.take_error() if request.method == "GET" else None
    if request.method == "POST":
        try:
            if "send" in request.POST:
                stage.send_code()
                messages.success(request, _("We sent you a new code."))
                return redirect("identity:sms_login")
            services.verify_login_code(
                user, stage.code_id, request.POST.get("code", "")[:20], _address(request)
            )
        except SahlError as refused:
            failure = refused
        else:
            return stage.passed()
    return render(
        request,
        "identity/sms_login.html",
        {
            "phone": services.sms_phone_of(user),
            "code_sent": stage.code_id is not None,
            "other_factors": stage.has_app_factor(),
            "error": message(failure.code, _language(), **failure.params) if failure else None,
            "code_error": failure is not None and failure.code.startswith("sms.code"),
        },
        status=400 if failure and request.method == "POST" else 200,
    )
