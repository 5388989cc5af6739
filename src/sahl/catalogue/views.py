from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sahl.catalogue import services
from sahl.catalogue.visitors import kept_for_visitors
from sahl.core.errors import BadInput, SahlError
from sahl.ui.errors import for_error


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    try:
        found = services.search(query, _page_number(request), per_page=SEARCH_PAGE)
    except SahlError as error:
        return for_error(request, error)
    return render(request, "catalogue/search.html", {"query": query, "found": found})


SEARCH_PAGE = 10  # cards a search shows at once; the best come first (recall@5 is tested)


def _page_number(request: HttpRequest) -> int:
    given = request.GET.get("page", "1")
    if not given.isascii() or not given.isdigit() or len(given) > 6:
        raise BadInput("page.invalid")
    return int(given)


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
