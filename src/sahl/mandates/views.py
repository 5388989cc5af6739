"""The person's pages: whom I act for (the switch), and the powers of attorney I gave and hold."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sahl.core.errors import SahlError
from sahl.identity.current import person_of
from sahl.mandates import current, services
from sahl.ui.errors import for_error


@login_required
@require_http_methods(["GET", "POST"])
def acting_as(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            authority = current.switch(request, request.POST.get("subject", ""))
        except SahlError as error:
            return for_error(request, error)
        if authority.is_self:
            messages.success(request, _("You are acting for yourself."))
        else:
            messages.success(request, _("You are now acting for %(name)s.") % {"name": _name(authority)})
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = ""
        return redirect(target or "applications:mine")
    powers = services.powers_of(person_of(request))
    chosen = current.acting_of(request).subject
    return render(request, "mandates/acting_as.html", {"powers": powers, "chosen": chosen})


def _name(authority: services.Authority) -> str:
    return authority.subject_name.get(get_language() or "ar")


@login_required
@require_http_methods(["GET"])
def mine(request: HttpRequest) -> HttpResponse:
    found = services.my_mandates(person_of(request))
    return render(request, "mandates/mine.html", {"mandates": found})


@login_required
@require_POST
def revoke(request: HttpRequest, mandate_id: int) -> HttpResponse:
    try:
        services.revoke(
            person_of(request),
            mandate_id,
            request.POST.get("reason", ""),
            address=current.client_address(request),
        )
    except SahlError as error:
        return for_error(request, error)
    messages.success(request, _("The power of attorney is revoked. It stopped at once."))
    return redirect("mandates:mine")
