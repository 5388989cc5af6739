"""The front door's pages: home, search (services and journeys), the journeys explained, the public
statistics, and the health check."""

from __future__ import annotations

import json
from functools import cache

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sahl.catalogue import services as catalogue
from sahl.catalogue.visitors import kept_for_visitors
from sahl.core.errors import BadInput, SahlError
from sahl.core.problems import OUTAGE_RETRY_AFTER
from sahl.identity.current import person_of
from sahl.journeys import public as journeys
from sahl.portal import home_rows, installable, personal, services, shortcuts
from sahl.ui.errors import for_error


@require_GET
@kept_for_visitors
def home(request: HttpRequest) -> HttpResponse:
    """A person who is logged in sees their own home; visitors the public one (kept rendered)."""
    if request.user.is_authenticated:
        page = personal.personal_home(person_of(request), timezone.localdate())
        return render(request, "portal/my_home.html", {"home": page} | home_rows.rows(page))
    return render(
        request,
        "portal/home.html",
        {
            "popular": catalogue.popular_services(),
            "categories": catalogue.categories_with_counts(),
            "stats": services.statistics(),
        },
    )


SEARCH_PAGE = 10  # cards a search shows at once; the best come first (recall@5 is tested)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The catalogue's services and, above them on the first page, the journeys the words name
    (ADR 0051: the front door asks both; the catalogue knows nothing of journeys)."""
    query = request.GET.get("q", "")
    try:
        found = catalogue.search(query, _page_number(request), per_page=SEARCH_PAGE)
    except SahlError as error:
        return for_error(request, error)
    journeys_found = journeys.find(query) if found.page == 1 else []
    done_online = shortcuts.find(query) if found.page == 1 else []
    context = {"query": query, "found": found, "journeys": journeys_found, "shortcuts": done_online}
    return render(request, "portal/search.html", context)


def _page_number(request: HttpRequest) -> int:
    given = request.GET.get("page", "1")
    if not given.isascii() or not given.isdigit() or len(given) > 6:
        raise BadInput("page.invalid")
    return int(given)


@require_GET
@kept_for_visitors
def journey_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/journeys.html", {"journeys": journeys.journeys()})


@require_GET
@kept_for_visitors
def journey(request: HttpRequest, code: str) -> HttpResponse:
    try:
        shown = journeys.journey(code)
    except SahlError as error:
        return for_error(request, error)
    start = _start_url(code) if shown.can_start_yourself else None
    return render(request, "portal/journey.html", {"journey": shown, "start_url": start})


@cache
def _start_url(code: str) -> str | None:
    """Where a member starts a journey themselves (the journeys' own page, for people logged in);
    None while no such page is served."""
    try:
        return reverse("journeys:start", args=[code])
    except NoReverseMatch:
        return None


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    health = services.check_health()
    response = JsonResponse(
        {
            "status": "ok" if health.ok else "unavailable",
            "database": "ok" if health.database else "unreachable",
            "tasks": {"status": "ok" if health.tasks else "unreachable", "queued": health.queued_tasks},
        },
        status=200 if health.ok else 503,
    )
    if not health.ok:  # a load balancer or monitor asks again after this long, as any client would
        response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    return response


# --- The installable app (ADR 0055) -----------------------------------------------------------------


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest, in the page's language (Arabic, right to left, unless chosen)."""
    response = render(request, "portal/app.webmanifest", content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


SHELL_ICON = installable.SHELL_FILES.index("portal/icon-192.png")


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The portal's service worker, served from the root so that its scope is the whole site."""
    context = {
        "version": installable.version(),
        "shell": json.dumps(installable.shell()),
        "pages": json.dumps(installable.personal_pages()),
        "icon": installable.shell()[SHELL_ICON],
    }
    response = render(request, "portal/sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"  # a new release's worker reaches browsers at once
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the app shows for a page it has not saved when there is no network. The worker saves it in
    both languages (`?lang=`) and shows the one of the person's last page."""
    language = request.GET.get("lang", "")
    with translation.override(language if language in ("ar", "en") else translation.get_language()):
        response = render(request, "portal/offline.html", {"pages": installable.personal_pages()})
        response["Content-Language"] = translation.get_language()
    return response
