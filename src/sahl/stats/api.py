"""The live figures in JSON, public: the same rows as the open data's statistics.json."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from sahl.stats import opendata
from sahl.stats.figures import figures

router = Router(tags=["statistics"])


class FigureOut(Schema):
    table: str = Field(
        description="a monthly series (accounts, completed, payments...), by_agency, by_service..."
    )
    period: str = Field(description="the month, YYYY-MM on Kuwait's calendar; empty for all time")
    agency: str = Field(description="the agency's code; empty for the whole country")
    subject: str = Field(description="the service's or the journey's code; empty when none")
    measure: str = Field(
        description="count, amount_kwd (a string, 3 decimals), within_service_level_percent, median_days"
    )
    value: int | float | str | None = Field(description="the figure; null when fewer than 10")
    fewer_than_10: bool = Field(description="true when the figure is not published for privacy")


class StatisticsOut(Schema):
    licence: str = Field(description="CC-BY-4.0")
    agencies: int = Field(description="agencies with at least one active service")
    services: int = Field(description="active services")
    figures: list[FigureOut]


@router.get("/statistics", response=StatisticsOut, auth=None, summary="Sahl in figures (public)")
def statistics(request: HttpRequest) -> StatisticsOut:
    """Live figures: counts below 10 are null with `fewer_than_10` true, as on the page and in the
    open data (`/open-data/datapackage.json` describes every field)."""
    found = figures()
    return StatisticsOut(
        licence=opendata.LICENCE["name"],
        agencies=found.agencies,
        services=found.services,
        figures=[FigureOut(**row) for row in opendata.statistics_rows(found)],
    )
