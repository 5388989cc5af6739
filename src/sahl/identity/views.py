"""The second factor by SMS: turning it on (confirming the number) and off from the Security page,
and typing the code at login. Apps: the consent page of Sahl's OpenID provider, the page listing the
apps a person let in (to take one back), and logging out everywhere."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from allauth.account.decorators import reauthentication_required
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from oauth2_provider.views import AuthorizationView

from sahl.core.errors import SahlError
from sahl.core.messages import message
from sahl.identity import apps_granted, services, stages
from sahl.identity.current import person_of
from sahl.identity.scopes import SCOPES
from sahl.ui.middleware import CONTENT_SECURITY_POLICY


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


class ConsentView(AuthorizationView):
    """django-oauth-toolkit's authorization endpoint with Sahl's consent page: which app, what it may
    do (one line per scope, in the person's language), allow or refuse."""

    template_name = "identity/consent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        if (application := context.get("application")) is not None:
            context["app_name"] = apps_granted.app_name(application, _language())
        context["scope_lines"] = [SCOPES[scope] for scope in context.get("scopes", []) if scope in SCOPES]
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().render_to_response(context, **kwargs)
        if not context.get("error") and (redirect_uri := context.get("redirect_uri")):
            # The answer (allow or refuse) is a redirect to the app: the form may go there.
            response["Content-Security-Policy"] = _policy_allowing(redirect_uri)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        # Only a tampered form lacks its hidden fields: refused, as an app's bad request is.
        return self.render_to_response({"error": True}, status=400)

    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)
        if form.cleaned_data.get("allow") and response.status_code in (301, 302):
            scopes = str(form.cleaned_data.get("scope", "")).split()
            client_id = str(form.cleaned_data["client_id"])
            apps_granted.consented(person_of(self.request), client_id, scopes, _address(self.request))
        return response


def _policy_allowing(redirect_uri: str) -> str:
    parts = urlsplit(redirect_uri)
    target = f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {target}")


@login_required
@require_http_methods(["GET", "POST"])
def granted_apps(request: HttpRequest) -> HttpResponse:
    """The apps the person let in, each with what it may do; taking one back."""
    user = person_of(request)
    if request.method == "POST":
        try:
            apps_granted.revoke_app(user, _app_id(request.POST.get("app", "")), _address(request))
        except SahlError as failure:
            messages.error(request, message(failure.code, _language(), **failure.params))
        else:
            messages.success(request, _("The app can no longer use your account."))
        return redirect("identity:apps")
    apps = [
        {
            "id": app.id,
            "name": app.display_name(_language()),
            "since": app.since,
            "scopes": [SCOPES[scope] for scope in app.scopes if scope in SCOPES],
        }
        for app in apps_granted.granted_apps(user)
    ]
    return render(request, "identity/apps.html", {"apps": apps})


def _app_id(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 19 else 0


@login_required
@require_http_methods(["POST"])
def log_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the person (this one too) and every app's tokens."""
    user = person_of(request)
    apps_granted.log_out_everywhere(user, _address(request))
    auth.logout(request)
    messages.success(
        request, _("You are logged out on every device, and no app can use your account any more.")
    )
    return redirect("account_login")
