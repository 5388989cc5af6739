"""Operators' pages: the one outbox (every e-mail, SMS, agency delivery and refund, with their
attempts), and the events whose subscribers keep failing; each with its retry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sahl.core.errors import NotFound, SahlError
from sahl.events import services as backbone
from sahl.identity.current import person_of
from sahl.outbox import channels, services, texts
from sahl.ui.errors import for_error


def _choice(request: HttpRequest, name: str, allowed: object) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else ""  # type: ignore[operator]


@login_required
@require_GET
def deliveries(request: HttpRequest) -> HttpResponse:
    try:
        names = services.destinations() if request.user.is_staff else []
        filters = services.Filters(
            channel=_choice(request, "channel", channels.names()),
            destination=_choice(request, "destination", names),
            state=_choice(request, "state", texts.STATES),
            older_than_minutes=int(_choice(request, "age", texts.AGES) or 0),
        )
        found = services.deliveries(person_of(request), filters)
    except SahlError as error:
        return for_error(request, error)
    return render(
        request,
        "outbox/deliveries.html",
        {
            "deliveries": found,
            "filters": filters,
            "destinations": names,
            "channel_names": channels.names(),
            "states": texts.STATES,
            "channels": texts.CHANNELS,
            "outcomes": texts.OUTCOMES,
            "ages": texts.AGES,
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
    return redirect("outbox:deliveries")


@require_GET
def old_deliveries(request: HttpRequest) -> HttpResponse:
    return redirect("outbox:deliveries", permanent=True)


@require_GET
def old_agency_deliveries(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("outbox:deliveries") + "?channel=agency", permanent=True)


@login_required
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        return for_error(request, NotFound("page.not_found"))
    return render(
        request, "outbox/events.html", {"handlings": backbone.troubled(), "states": texts.HANDLING_STATES}
    )


@login_required
@require_POST
def retry_event(request: HttpRequest, handling_id: int) -> HttpResponse:
    if not request.user.is_staff:
        return for_error(request, NotFound("page.not_found"))
    try:
        backbone.retry(handling_id)
    except SahlError as error:
        return for_error(request, error)
    messages.success(request, _("The subscriber will run again shortly."))
    return redirect("outbox:events")
