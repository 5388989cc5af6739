from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sahl.catalogue import services as catalogue
from sahl.catalogue.visitors import kept_for_visitors
from sahl.core.problems import OUTAGE_RETRY_AFTER
from sahl.portal import services


@require_GET
@kept_for_visitors
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {
            "popular": catalogue.popular_services(),
            "categories": catalogue.categories_with_counts(),
            "stats": services.statistics(),
        },
    )


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
