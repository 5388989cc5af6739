"""Operators' pages: the one outbox (every e-mail, SMS, agency delivery and refund, with their
attempts), and the events whose subscribers keep failing, each with its retry; the audit log's
latest signed checkpoint; and the operators' home, linking them all."""

from __future__ import annotations

from collections.abc import Container

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sahl.core.errors import BadInput, SahlError
from sahl.core.messages import message
from sahl.identity.current import person_of
from sahl.operators import labels, publishing, services
from sahl.outbox import channels
from sahl.outbox import labels as outbox_labels
from sahl.outbox.services import Filters
from sahl.ui.errors import for_error


def _choice(request: HttpRequest, name: str, allowed: Container[str]) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else ""


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    try:
        attention = services.attention(person_of(request))
    except SahlError as error:
        return for_error(request, error)
    return render(request, "operators/home.html", {"attention": attention})


@login_required
@require_GET
def deliveries(request: HttpRequest) -> HttpResponse:
    try:
        names = services.destinations(person_of(request))
        filters = Filters(
            channel=_choice(request, "channel", channels.names()),
            destination=_choice(request, "destination", names),
            state=_choice(request, "state", outbox_labels.STATES),
            older_than_minutes=int(_choice(request, "age", labels.AGES) or 0),
        )
        found = services.deliveries(person_of(request), filters)
    except SahlError as error:
        return for_error(request, error)
    return render(
        request,
        "operators/outbox.html",
        {
            "deliveries": found,
            "filters": filters,
            "destinations": names,
            "channel_names": channels.names(),
            "states": outbox_labels.STATES,
            "channels": outbox_labels.CHANNELS,
            "outcomes": labels.OUTCOMES,
            "ages": labels.AGES,
        },
    )


@login_required
@require_POST
def send_again(request: HttpRequest, delivery_id: int) -> HttpResponse:
    try:
        services.send_again(person_of(request), delivery_id)
    except SahlError as error:
        return for_error(request, error)
    messages.success(request, _("The delivery is on its way again, with the same key."))
    return redirect("operators:deliveries")


@require_GET
def old_deliveries(request: HttpRequest) -> HttpResponse:
    return redirect("operators:deliveries", permanent=True)


@require_GET
def old_agency_deliveries(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("operators:deliveries") + "?channel=agency", permanent=True)


@login_required
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    try:
        handlings = services.troubled(person_of(request))
    except SahlError as error:
        return for_error(request, error)
    return render(
        request, "operators/events.html", {"handlings": handlings, "states": labels.HANDLING_STATES}
    )


@login_required
@require_POST
def retry_event(request: HttpRequest, handling_id: int) -> HttpResponse:
    try:
        services.retry(person_of(request), handling_id)
    except SahlError as error:
        return for_error(request, error)
    messages.success(request, _("The subscriber will run again shortly."))
    return redirect("operators:events")


@login_required
@require_GET
def audit_checkpoints(request: HttpRequest) -> HttpResponse:
    try:
        status = services.audit_checkpoints(person_of(request))
    except SahlError as error:
        return for_error(request, error)
    return render(request, "operators/audit.html", {"status": status})


@login_required
@require_GET
def publishing_queue(request: HttpRequest) -> HttpResponse:
    try:
        found = publishing.waiting(person_of(request))
    except SahlError as error:
        return for_error(request, error)
    return render(request, "operators/publishing.html", {"drafts": found})


@login_required
@require_http_methods(["GET", "POST"])
def review_draft(request: HttpRequest, draft_id: int) -> HttpResponse:
    """One submitted definition against the published one, with Publish and Return (with a reason)."""
    operator = person_of(request)
    status = 200
    refusal = ""
    try:
        if request.method == "POST":
            if request.POST.get("action") == "publish":
                version = publishing.publish(operator, draft_id)
                messages.success(
                    request,
                    _("Published: version %(number)s is now the service's.") % {"number": version.number},
                )
                return redirect("operators:publishing")
            if request.POST.get("action") == "return":
                publishing.send_back(operator, draft_id, request.POST.get("reason", ""))
                messages.success(request, _("Returned to the agency with your reason."))
                return redirect("operators:publishing")
            raise BadInput("request.bad")
    except BadInput as refused:
        refusal, status = message(refused.code, get_language() or "ar", **refused.params), 400
    except SahlError as error:
        return for_error(request, error)
    try:
        found = publishing.review(operator, draft_id)
    except SahlError as error:
        return for_error(request, error)
    return render(
        request, "operators/review_draft.html", {"review": found, "refusal": refusal}, status=status
    )
