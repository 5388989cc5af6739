"""The public statistics page, the open-data page and its files (ADR 0060)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sahl.stats import charts, opendata
from sahl.stats.figures import SERIES, figures
from sahl.stats.labels import SERIES_TITLES

_OPEN_DATA_SECONDS = 60


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    found = figures()
    rtl = get_language_bidi()
    fewer = _("fewer than 10")
    series = [
        (kind, SERIES_TITLES[kind], found.series[kind], charts.bars(found.series[kind], rtl, fewer))
        for kind in SERIES
    ]
    return render(
        request, "stats/statistics.html", {"figures": found, "series": series, "width": charts.WIDTH}
    )


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "stats/open_data.html", {"licence": opendata.LICENCE})


def _file(body: bytes, content_type: str, name: str, seconds: int) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = f"public, max-age={seconds}"
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


@require_GET
def statistics_csv(request: HttpRequest) -> HttpResponse:
    rows = opendata.statistics_rows(figures())
    body = opendata.as_csv(opendata.STATISTICS_FIELDS, rows)
    return _file(body, "text/csv; charset=utf-8", "statistics.csv", _OPEN_DATA_SECONDS)


@require_GET
def statistics_json(request: HttpRequest) -> HttpResponse:
    body = opendata.as_json(opendata.statistics_rows(figures()))
    return _file(body, "application/json", "statistics.json", _OPEN_DATA_SECONDS)


@require_GET
def catalogue_file(request: HttpRequest, name: str) -> HttpResponse:
    body = opendata.catalogue_file(name)
    kind = "application/json" if name.endswith(".json") else "text/csv; charset=utf-8"
    return _file(body, kind, name, 300)


@require_GET
def datapackage(request: HttpRequest) -> JsonResponse:
    base = request.build_absolute_uri(reverse("stats:open_data")) + "/"
    response = JsonResponse(
        opendata.datapackage(base), json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
