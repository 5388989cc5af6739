"""The operators' page of agencies' administrators: who administers each agency, appointing one
(agency, civil ID) and removing one after a confirmation (identity.staff). A refusal shows beside
the form in the page's language and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sahl.core.errors import NotFound, SahlError, http_status
from sahl.core.languages import in_language
from sahl.identity import staff, staff_pages
from sahl.identity.current import address_of, person_of
from sahl.identity.rules import ADMIN
from sahl.ui.errors import for_error


@login_required
@require_http_methods(["GET", "POST"])
def administrators(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    form = {name: request.POST.get(name, "")[:20] for name in ("civil_id", "agency")}
    shown: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        try:
            done = staff.appoint(person, form["civil_id"], ADMIN, form["agency"], address=address_of(request))
        except NotFound as error:
            return for_error(request, error)
        except SahlError as error:
            shown, status = staff_pages.refusal(request, error), http_status(error)
        else:
            language = request.LANGUAGE_CODE
            messages.success(
                request,
                _("%(name)s is now an administrator of %(agency)s.")
                % {
                    "name": done.user.display_name(language),
                    "agency": in_language(done.agency.name, language),
                },
            )
            return redirect("operators:staff")
    try:
        admins = staff.administrators(person)
    except SahlError as error:
        return for_error(request, error)
    return render(
        request,
        "operators/staff.html",
        {"admins": admins, "agencies": list(staff.agencies()), "form": form} | shown,
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove_administrator(request: HttpRequest, membership_id: int) -> HttpResponse:
    """GET: what removing this administrator means, with Confirm; POST: removed."""
    return staff_pages.removal(
        request,
        membership_id,
        "operators/staff_remove.html",
        done=lambda found, person: "operators:staff",
        may_open=lambda person: person.is_staff,
    )
