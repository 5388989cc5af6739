"""Bar charts drawn on the server as inline SVG (no script): one horizontal bar per month, so a
phone shows them at full width; the page puts a table with the same figures under each one."""

from __future__ import annotations

from dataclasses import dataclass

from sahl.stats.figures import Series

WIDTH = 320
ROW = 26
LABEL = 72  # room for "2026-11"
VALUE = 96  # room for the figure after the bar


@dataclass(frozen=True)
class Bar:
    y: int
    text_y: int
    label: str
    label_x: int
    bar_x: int
    width: int
    value: str
    value_x: int


@dataclass(frozen=True)
class Chart:
    height: int
    anchor: str  # where labels and values are anchored: the reading start
    bars: list[Bar]


def bars(series: Series, rtl: bool, fewer: str, months: int = 24) -> Chart:
    """The last `months` months of the series; a hidden month has no bar and says `fewer`."""
    shown = series.months[-months:]
    room = WIDTH - LABEL - VALUE
    largest = series.largest or 1
    out = []
    for i, month in enumerate(shown):
        width = round(room * (month.count or 0) / largest)
        value = str(month.count) if month.count is not None else fewer
        y = i * ROW
        if rtl:  # the label at the right edge, the bar growing leftwards
            out.append(
                Bar(
                    y + 5,
                    y + 18,
                    month.period,
                    WIDTH,
                    WIDTH - LABEL - width,
                    width,
                    value,
                    WIDTH - LABEL - width - 4,
                )
            )
        else:
            out.append(Bar(y + 5, y + 18, month.period, 0, LABEL, width, value, LABEL + width + 4))
    return Chart(max(len(out), 1) * ROW, "end" if rtl else "start", out)
