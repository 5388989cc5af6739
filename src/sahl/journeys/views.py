"""A journey's members' pages: their journeys, one journey's page, confirming an offer with one
tap, and starting a journey whose event happened elsewhere."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sahl.core.errors import NotFound, SahlError
from sahl.core.messages import message
from sahl.identity.current import person_of
from sahl.journeys import publishing, reading, services
from sahl.ui.errors import for_error


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "journeys/mine.html", {"cards": reading.my_journeys(person_of(request))})


@login_required
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        page = reading.journey_page(person_of(request), reference)
    except SahlError as error:
        return for_error(request, error)
    return render(request, "journeys/journey.html", {"page": page})


@login_required
@require_POST
def confirm(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    try:
        services.confirm(person_of(request), reference, key)
    except SahlError as error:
        return for_error(request, error)
    messages.success(request, _("Confirmed. We filed it for you; this page shows how it goes."))
    return redirect("journeys:detail", reference=reference)


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str) -> HttpResponse:
    try:
        _, definition = publishing.current_version(code)
    except SahlError as missing:
        return for_error(request, missing)
    if not definition.can_start_yourself:
        return for_error(request, NotFound("page.not_found"))
    refusal: str | None = None
    if request.method == "POST":
        answers = {k: request.POST.get(k, "") for k in ("spouse_civil_id", "married_on", "contract_number")}
        try:
            journey = services.start_myself(person_of(request), code, answers)
            return redirect("journeys:detail", reference=journey.reference)
        except SahlError as refused:
            refusal = message(refused.code, get_language() or "ar", **refused.params)
    return render(
        request,
        "journeys/start.html",
        {"definition": definition, "error": refusal, "posted": request.POST},
        status=400 if refusal else 200,
    )
