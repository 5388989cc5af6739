"""The person's inbox and notification settings, the agency's official notices, the operators'
list of deliveries needing attention, and the dev outbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sahl.applications.rules import FormInvalid
from sahl.core.errors import BadInput, SahlError
from sahl.identity.current import person_of
from sahl.notifications import labels
from sahl.notifications.inbox import inbox_page, open_message
from sahl.notifications.notices import membership_of, notice_for, notices_of, send_notice
from sahl.notifications.preferences import Preferences, preferences_of, save_preferences
from sahl.ui.errors import for_error

LABELS = {
    "channels": labels.CHANNELS,
    "delivery_states": labels.DELIVERY_STATES,
    "roles": labels.ROLES,
    "notice_events": labels.NOTICE_EVENTS,
    "kinds": labels.KINDS,
}


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = person_of(request)
    values = preferences_of(user)
    errors: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        values = Preferences(
            email=request.POST.get("email", "")[:300],
            phone=request.POST.get("phone", "")[:40],
            notify_by_email=request.POST.get("notify_by_email") == "1",
            notify_by_sms=request.POST.get("notify_by_sms") == "1",
            language=request.POST.get("language", ""),
        )
        try:
            save_preferences(
                user,
                email=values.email,
                phone=values.phone,
                notify_by_email=values.notify_by_email,
                notify_by_sms=values.notify_by_sms,
                language=values.language,
            )
        except FormInvalid as invalid:
            errors, status = dict(invalid.errors), 400
        else:
            return redirect(reverse("notifications:preferences") + "?saved=1")
    return render(
        request,
        "notifications/preferences.html",
        {"values": values, "errors": errors, "saved": request.GET.get("saved") == "1"},
        status=status,
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    try:
        page = int(request.GET.get("page", "1"))
        found = inbox_page(person_of(request), page)
    except ValueError:
        return for_error(request, BadInput("page.invalid"))
    except SahlError as error:
        return for_error(request, error)
    return render(request, "notifications/inbox.html", {"inbox": found} | LABELS)


@login_required
@require_GET
def message(request: HttpRequest, message_id: int) -> HttpResponse:
    try:
        view = open_message(person_of(request), message_id)
    except SahlError as error:
        return for_error(request, error)
    return render(request, "notifications/message.html", {"view": view, "message": view.message} | LABELS)


@login_required
@require_http_methods(["GET", "POST"])
def notices(request: HttpRequest) -> HttpResponse:
    staff = person_of(request)
    form = {name: request.POST.get(name, "") for name in ("civil_id", "subject", "body", "due_on")}
    errors: dict[str, object] = {}
    status = 200
    try:
        membership = membership_of(staff)
        if request.method == "POST":
            try:
                notice = send_notice(
                    staff,
                    form["civil_id"][:40],
                    form["subject"][:400],
                    form["body"][:8000],
                    form["due_on"][:20],
                )
            except FormInvalid as invalid:
                errors, status = dict(invalid.errors), 400
            else:
                return redirect("notifications:notice", reference=notice.reference)
        sent = notices_of(staff)
    except SahlError as error:
        return for_error(request, error)
    return render(
        request,
        "notifications/notices.html",
        {"membership": membership, "notices": sent, "form": form, "errors": errors} | LABELS,
        status=status,
    )


@login_required
@require_GET
def notice(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        view = notice_for(person_of(request), reference)
    except SahlError as error:
        return for_error(request, error)
    return render(request, "notifications/notice.html", {"view": view, "notice": view.notice} | LABELS)
