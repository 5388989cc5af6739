from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sahl.catalogue import services
from sahl.catalogue.visitors import kept_for_visitors
from sahl.core.errors import SahlError
from sahl.ui.errors import for_error


@require_GET
@kept_for_visitors
def agencies(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/agencies.html", {"agencies": services.agencies_with_counts()})


@require_GET
@kept_for_visitors
def agency(request: HttpRequest, code: str) -> HttpResponse:
    try:
        found = services.get_agency(code)
    except SahlError as error:
        return for_error(request, error)
    return render(
        request, "catalogue/agency.html", {"agency": found, "services": services.services_of_agency(found)}
    )


@require_GET
@kept_for_visitors
def categories(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/categories.html", {"categories": services.categories_with_counts()})


@require_GET
@kept_for_visitors
def category(request: HttpRequest, code: str) -> HttpResponse:
    try:
        found = services.get_category(code)
    except SahlError as error:
        return for_error(request, error)
    return render(
        request,
        "catalogue/category.html",
        {"category": found, "services": services.services_in_category(found)},
    )
