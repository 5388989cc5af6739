"""The person's inbox and notification settings, the agency's official notices, the operators'
list of deliveries needing attention, and the dev outbox."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from sahl.applications.rules import FormInvalid
from sahl.core import untrusted
from sahl.core.errors import BadInput, SahlError, TooMany
from sahl.core.languages import language_of
from sahl.core.messages import message as error_text
from sahl.identity.current import address_of, person_of
from sahl.notifications import devices, labels
from sahl.notifications.inbox import Entry, inbox_page, open_message
from sahl.notifications.notices import (
    Draft,
    check_notice,
    membership_of,
    notice_for,
    notices_of,
    send_confirmed_notice,
)
from sahl.notifications.preferences import Preferences, preferences_of, save_preferences
from sahl.notifications.push_service import public_key
from sahl.ui.errors import for_error
from sahl.ui.languages import remember
from sahl.ui.templatetags.sahl import machine_time, tr, with_codes

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
            # One language for pages and messages: the next page is in the one just saved.
            saved = redirect(reverse("notifications:preferences") + "?saved=1")
            remember(saved, values.language)
            return saved
    return render(
        request,
        "notifications/preferences.html",
        {
            "values": values,
            "errors": errors,
            "saved": request.GET.get("saved") == "1",
            "removed": request.GET.get("removed") == "1",
            "devices": devices.devices_of(user),
            "vapid_key": public_key(),
        },
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def add_device(request: HttpRequest) -> HttpResponse:
    """This browser's push subscription (PushSubscription.toJSON(), posted by notifications/push.js
    with the CSRF token): 201 with the device's label, or 400 with why, in the page's language."""
    try:
        sent = untrusted.loads(request.body or b"{}")  # too deep, NUL, lone surrogates: refused
    except ValueError:
        sent = None
    keys = sent.get("keys") if isinstance(sent, dict) else None
    if not isinstance(sent, dict) or not isinstance(keys, dict):
        return JsonResponse({"error": str(labels.ERRORS["push_keys"])}, status=400)
    try:
        added = devices.subscribe(
            person_of(request),
            endpoint=str(sent.get("endpoint", ""))[:2000],
            p256dh=str(keys.get("p256dh", ""))[:200],
            auth=str(keys.get("auth", ""))[:200],
            user_agent=request.headers.get("User-Agent", "")[:500],
        )
    except FormInvalid as invalid:
        reason = next(iter(invalid.errors.values()))
        return JsonResponse({"error": tr(reason)}, status=400)
    return JsonResponse({"id": added.pk, "label": added.label}, status=201)


@login_required
@require_http_methods(["POST"])
def remove_device(request: HttpRequest, device_id: int) -> HttpResponse:
    try:
        devices.remove(person_of(request), device_id)
    except SahlError as error:
        return for_error(request, error)
    return redirect(reverse("notifications:preferences") + "?removed=1#devices")


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    try:
        page = int(request.GET.get("page", "1"))
        found = inbox_page(person_of(request), page, language_of(get_language()))
    except ValueError:
        return for_error(request, BadInput("page.invalid"))
    except SahlError as error:
        return for_error(request, error)
    language = language_of(get_language())
    rows = [_inbox_row(entry, language) for entry in found.entries]
    return render(request, "notifications/inbox.html", {"inbox": found, "rows": rows})


def _inbox_row(entry: Entry, language: str) -> dict[str, object]:
    """One line of the inbox, made here so the template's loop runs no url, filter or translation
    (ADR 0048: a 20-line list costs a fifth of the rendering)."""
    message, reading = entry.message, entry.reading
    moment = timezone.localtime(message.created_at)
    return {
        "href": f"{reverse('notifications:message', args=[message.pk])}",
        "subject": with_codes(reading.subject),
        "other_language": reading.language if reading.language != language else "",
        "unread": message.read_at is None,
        "kind": tr(labels.KINDS.get(message.kind, "")),
        "machine_time": machine_time(moment),
        "shown_time": moment.strftime("%Y-%m-%d %H:%M"),
    }


@login_required
@require_GET
def message(request: HttpRequest, message_id: int) -> HttpResponse:
    try:
        view = open_message(person_of(request), message_id, language_of(get_language()))
    except SahlError as error:
        return for_error(request, error)
    return render(request, "notifications/message.html", {"view": view, "message": view.message} | LABELS)


NOTICE_FIELDS = (("civil_id", 40), ("subject", 400), ("body", 8000), ("due_on", 20))


@login_required
@require_http_methods(["GET", "POST"])
def notices(request: HttpRequest) -> HttpResponse:
    """Sending a notice in two steps. `step=check` (the form's button): the form is checked and the
    addressee's name shown partly masked, with Confirm and Back; nothing is sent. `step=confirm`:
    sent, if the confirmation is the one shown for this civil ID and text. `step=back`: the form
    again, as typed."""
    staff = person_of(request)
    form = {name: request.POST.get(name, "")[:limit] for name, limit in NOTICE_FIELDS}
    step = request.POST.get("step", "check")
    errors: dict[str, object] = {}
    refusal = ""
    draft: Draft | None = None
    status, retry_after = 200, 0
    try:
        membership = membership_of(staff)
        if request.method == "POST" and step == "confirm":
            try:
                reference = send_confirmed_notice(
                    staff,
                    form["civil_id"],
                    request.POST.get("confirmation", "")[:1000],
                    form["subject"],
                    form["body"],
                    form["due_on"],
                )
            except FormInvalid as invalid:
                errors, status = dict(invalid.errors), 400
            else:
                return redirect("notifications:notice", reference=reference)
        elif request.method == "POST" and step != "back":
            try:
                draft = check_notice(
                    staff,
                    form["civil_id"],
                    form["subject"],
                    form["body"],
                    form["due_on"],
                    address_of(request),
                )
            except FormInvalid as invalid:
                errors, status = dict(invalid.errors), 400
            except TooMany as error:
                refusal, status, retry_after = (
                    error_text(error.code, get_language(), **error.params),
                    429,
                    error.retry_after,
                )
        sent = notices_of(staff)
    except SahlError as error:
        return for_error(request, error)
    response = render(
        request,
        "notifications/notices.html",
        {
            "membership": membership,
            "notices": sent,
            "form": form,
            "errors": errors,
            "refusal": refusal,
            "draft": draft,
        }
        | LABELS,
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_GET
def notice(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        view = notice_for(person_of(request), reference)
    except SahlError as error:
        return for_error(request, error)
    return render(request, "notifications/notice.html", {"view": view, "notice": view.notice} | LABELS)
