"""Operators' pages: deliveries to agencies' systems and the dead-letter list, with replay."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sahl.core.errors import SahlError
from sahl.identity.current import person_of
from sahl.integrations import services, texts
from sahl.web.errors import for_error


@login_required
@require_GET
def deliveries(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in texts.STATES:
        state = ""
    try:
        found = services.deliveries(person_of(request), state, request.GET.get("agency", "")[:20])
    except SahlError as error:
        return for_error(request, error)
    return render(
        request,
        "integrations/deliveries.html",
        {"deliveries": found, "state": state, "states": texts.STATES, "answers": texts.ANSWERS},
    )


@login_required
@require_POST
def replay(request: HttpRequest, delivery_id: int) -> HttpResponse:
    try:
        services.replay(person_of(request), delivery_id)
    except SahlError as error:
        return for_error(request, error)
    messages.success(request, _("The delivery is on its way again, with the same event id."))
    return redirect("integrations:deliveries")
