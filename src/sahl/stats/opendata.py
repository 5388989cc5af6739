"""The figures and the catalogue as open data: CSV and JSON with one Frictionless Data Package
(`datapackage.json`, Table Schema fields) describing both, under CC BY 4.0 (ADR 0060).

The statistics are one long table: a row per figure (which table, month, agency, subject, measure,
value). A figure below ten has no value and `fewer_than_10` true, in the CSV and the JSON alike. The
JSON holds exactly the CSV's rows as objects; amounts are strings with three decimals (Money is
never a float)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sahl.catalogue import services as catalogue
from sahl.catalogue.models import Agency, Service
from sahl.core.money import Money
from sahl.stats.figures import Figures

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}

STATISTICS_FIELDS = [
    {"name": "table", "type": "string", "description": "the figure's table: a monthly series, by_agency, by_service or by_journey"},
    {"name": "period", "type": "string", "description": "the month (YYYY-MM, Kuwait's calendar); empty for all time"},
    {"name": "agency", "type": "string", "description": "the agency's code; empty for the whole country"},
    {"name": "subject", "type": "string", "description": "the service's or the journey's code; empty when none"},
    {"name": "measure", "type": "string", "description": "count, amount_kwd, within_service_level_percent or median_days"},
    {"name": "value", "type": "number", "description": "the figure; empty when fewer than 10 (or hidden so that a total does not give one back)"},
    {"name": "fewer_than_10", "type": "boolean", "description": "true when the figure is not published for privacy"},
]  # fmt: skip

CATALOGUE_FIELDS = {
    "agencies": [
        {"name": "code", "type": "string"},
        {"name": "name_ar", "type": "string"},
        {"name": "name_en", "type": "string"},
        {"name": "description_ar", "type": "string"},
        {"name": "description_en", "type": "string"},
    ],
    "services": [
        {"name": "code", "type": "string"},
        {"name": "agency", "type": "string", "description": "the agency's code"},
        {"name": "category", "type": "string"},
        {"name": "name_ar", "type": "string"},
        {"name": "name_en", "type": "string"},
        {"name": "fee_kwd", "type": "number", "description": "Kuwaiti dinars, three decimals"},
        {"name": "service_level_working_days", "type": "integer", "description": "working days to a decision (0: at once)"},
        {"name": "processing", "type": "string", "description": "automatic, backoffice or agency_api"},
        {"name": "for_individuals", "type": "boolean"},
        {"name": "for_businesses", "type": "boolean"},
        {"name": "version", "type": "integer", "description": "the published version of its definition"},
    ],
    "required_documents": [
        {"name": "service", "type": "string", "description": "the service's code"},
        {"name": "document", "type": "string", "description": "the document's code"},
        {"name": "name_ar", "type": "string"},
        {"name": "name_en", "type": "string"},
        {"name": "formats", "type": "string", "description": "accepted file formats, separated by spaces"},
    ],
}  # fmt: skip


def statistics_rows(figures: Figures) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(
        table: str, period: str, agency: str, subject: str, measure: str, value: Any, hidden: bool
    ) -> None:
        rows.append(
            {"table": table, "period": period, "agency": agency, "subject": subject, "measure": measure,
             "value": None if hidden else value, "fewer_than_10": hidden}
        )  # fmt: skip

    for kind, series in figures.series.items():
        add(kind, "", "", "", "count", series.total, series.total is None)
        if kind == "payments":
            add(
                kind,
                "",
                "",
                "",
                "amount_kwd",
                _kwd(series.total_amount_fils),
                series.total_amount_fils is None,
            )
        for month in series.months:
            add(kind, month.period, "", "", "count", month.count, month.count is None)
            if kind == "payments":
                add(
                    kind,
                    month.period,
                    "",
                    "",
                    "amount_kwd",
                    _kwd(month.amount_fils),
                    month.amount_fils is None,
                )
    for agency in figures.by_agency:
        add("by_agency", "", agency.code, "", "count", agency.completed, agency.completed is None)
        add("by_agency", "", agency.code, "", "within_service_level_percent", agency.within_level,
            agency.within_level is None)  # fmt: skip
        add("by_agency", "", agency.code, "", "median_days", agency.median_days, agency.median_days is None)
        for service in agency.services:
            add(
                "by_service",
                "",
                agency.code,
                service.code,
                "count",
                service.completed,
                service.completed is None,
            )
    for journey in figures.journeys:
        add("journeys_started", "", "", journey.code, "count", journey.started, journey.started is None)
        add("journeys_completed", "", "", journey.code, "count", journey.completed, journey.completed is None)
        add(
            "journeys_completed",
            "",
            "",
            journey.code,
            "median_days",
            journey.median_days,
            journey.median_days is None,
        )
    return rows


def _kwd(fils: int | None) -> str | None:
    return Money(fils).amount if fils is not None else None


def as_csv(fields: list[dict[str, Any]], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, [f["name"] for f in fields], lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_json(rows: Any) -> bytes:
    return json.dumps(rows, ensure_ascii=False, indent=1).encode("utf-8")


def catalogue_tables() -> dict[str, list[dict[str, Any]]]:
    """The catalogue's agencies, active services and their required documents."""
    agencies = [
        {"code": a.code, "name_ar": a.name_ar, "name_en": a.name_en,
         "description_ar": a.description_ar, "description_en": a.description_en}
        for a in Agency.objects.order_by("position", "code")
    ]  # fmt: skip
    services = []
    documents = []
    for s in (
        Service.objects.filter(is_active=True)
        .select_related("agency", "category", "current_version")
        .order_by("code")
    ):
        services.append(
            {"code": s.code, "agency": s.agency.code, "category": s.category.code, "name_ar": s.name_ar,
             "name_en": s.name_en, "fee_kwd": Money(s.fee_fils).amount, "service_level_working_days": s.working_days,
             "processing": s.processing, "for_individuals": s.for_individuals, "for_businesses": s.for_businesses,
             "version": s.current_version.number if s.current_version else None}
        )  # fmt: skip
        if s.current_version is not None:
            for d in catalogue.definition_of(s.current_version).required_documents:
                documents.append(
                    {"service": s.code, "document": d.code, "name_ar": d.name.ar, "name_en": d.name.en,
                     "formats": " ".join(d.formats)}
                )  # fmt: skip
    return {"agencies": agencies, "services": services, "required_documents": documents}


def catalogue_file(name: str) -> bytes:
    """One catalogue file, made once per catalogue generation (a publication forgets it)."""

    def make() -> bytes:
        tables = catalogue_tables()
        if name == "catalogue.json":
            return as_json(tables | {"licence": LICENCE})
        table = name.removesuffix(".csv")
        return as_csv(CATALOGUE_FIELDS[table], tables[table])

    return catalogue.kept_answer(f"open-data:{name}", make)


CATALOGUE_FILES = ("agencies.csv", "services.csv", "required_documents.csv", "catalogue.json")


def datapackage(base: str) -> dict[str, Any]:
    """The Data Package describing every file, with absolute paths under `base`."""

    def resource(name: str, path: str, fmt: str, fields: list[dict[str, Any]], title: str) -> dict[str, Any]:
        return {
            "name": name, "path": f"{base}{path}", "format": fmt,
            "mediatype": "text/csv" if fmt == "csv" else "application/json", "encoding": "utf-8",
            "profile": "tabular-data-resource", "title": title, "licenses": [LICENCE],
            "schema": {"fields": fields, "missingValues": [""]},
        }  # fmt: skip

    resources = [
        resource("statistics-csv", "statistics.csv", "csv", STATISTICS_FIELDS, "Sahl in figures"),
        resource(
            "statistics-json", "statistics.json", "json", STATISTICS_FIELDS, "Sahl in figures (the same rows)"
        ),
    ]
    for table, fields in CATALOGUE_FIELDS.items():
        resources.append(
            resource(table.replace("_", "-"), f"{table}.csv", "csv", fields, f"The catalogue: {table}")
        )
    return {
        "profile": "tabular-data-package",
        "name": "sahl-open-data",
        "title": "Sahl: statistics and the catalogue of government services",
        "licenses": [LICENCE],
        "description": (
            "Live figures of Sahl (counts below 10 are not published) and the catalogue of agencies, services, "
            "fees, service levels and required documents. catalogue.json holds the three catalogue tables."
        ),
        "resources": resources,
    }
