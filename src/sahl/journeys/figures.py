"""The journeys' public figures: how many started and how many completed, and the median number of
days from the life event (the birth, the marriage) to the day the last step was done, per journey.

A country holds millions of journeys, so the database counts them and no row comes to Python:
three queries whatever the number of journeys. PostgreSQL takes the median with `percentile_cont`; SQLite
has no such aggregate, so there the middle rows of each journey's days are picked by a window
function (their row number against the journey's count) and averaged. Days are counted on Kuwait's
calendar (the project's time zone): a journey finished at 01:00 in Kuwait finished that day."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Aggregate, Count, F, FloatField, Func, IntegerField, Q, Window
from django.db.models.functions import RowNumber, TruncDate

from sahl.journeys.models import Journey, JourneyVersion


@dataclass(frozen=True)
class JourneyFigures:
    code: str
    started: int
    completed: int
    median_days: float | None  # None until one journey is completed


class DaysToLastStep(Func):
    """Whole days from the day the event happened to the day the journey was completed."""

    output_field = IntegerField()
    # PostgreSQL: a date minus a date is a number of days.
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self) -> None:
        super().__init__(TruncDate("finished_at"), F("happened_on"))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        # SQLite keeps dates as text: their Julian day numbers are subtracted instead.
        finished, finished_params = compiler.compile(self.source_expressions[0])
        happened, happened_params = compiler.compile(self.source_expressions[1])
        sql = f"CAST(JULIANDAY({finished}) - JULIANDAY({happened}) AS INTEGER)"
        return sql, (*finished_params, *happened_params)


class Median(Aggregate):
    """PostgreSQL's continuous median (the mean of the two middle values of an even count)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def figures() -> list[JourneyFigures]:
    """Every published journey's figures (zeros for one nobody started yet), in the order of codes."""
    counted = {
        row["code"]: row
        for row in Journey.objects.values("code").annotate(
            started=Count("pk"), completed=Count("pk", filter=Q(state=Journey.State.COMPLETED))
        )
    }
    medians = _medians()
    codes = sorted(set(JourneyVersion.objects.values_list("code", flat=True).distinct()) | set(counted))
    return [
        JourneyFigures(
            code,
            counted[code]["started"] if code in counted else 0,
            counted[code]["completed"] if code in counted else 0,
            medians.get(code),
        )
        for code in codes
    ]


def _medians() -> dict[str, float]:
    completed = Journey.objects.filter(finished_at__isnull=False)
    database = router.db_for_read(Journey)
    if connections[database].vendor == "postgresql":
        rows = (
            completed.values("code").annotate(median=Median(DaysToLastStep())).values_list("code", "median")
        )
        return {code: float(median) for code, median in rows}
    ranked = completed.annotate(
        days=DaysToLastStep(),
        place=Window(RowNumber(), partition_by=[F("code")], order_by=DaysToLastStep().asc()),
        size=Window(Count("pk"), partition_by=[F("code")]),
    ).values_list("code", "days", "place", "size")
    inner, params = ranked.query.sql_with_params()
    # The middle row of an odd count, the two middle rows of an even one (integer division). The
    # inner query is Django's own, its values passed apart as parameters.
    sql = (
        f"SELECT code, AVG(days) FROM ({inner}) AS ranked "  # noqa: S608
        "WHERE place IN ((size + 1) / 2, (size + 2) / 2) GROUP BY code"
    )
    with connections[database].cursor() as cursor:
        cursor.execute(sql, params)
        return {code: float(median) for code, median in cursor.fetchall()}
