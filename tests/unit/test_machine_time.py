"""Machine-readable times in pages: HTML's `<time datetime>` takes at most three digits of a second."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sahl.ui.templatetags.sahl import machine_time

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "sahl"
UTC = dt.UTC


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2026, 3, 1, 7, 4, 5, 123456, tzinfo=UTC), "2026-03-01T10:04:05.123+03:00"),
        (dt.datetime(2026, 3, 1, 7, 4, 5, 999, tzinfo=UTC), "2026-03-01T10:04:05.000+03:00"),
        (dt.datetime(2026, 3, 1, 7, 4, tzinfo=UTC), "2026-03-01T10:04:00+03:00"),
        (dt.datetime(2026, 3, 1, 7, 4, tzinfo=ZoneInfo("Europe/London")), "2026-03-01T10:04:00+03:00"),
        (dt.date(2026, 3, 1), "2026-03-01"),
        ("2026-03-01T07:04:05.123456+00:00", "2026-03-01T10:04:05.123+03:00"),
        ("not a time", ""),
        (None, ""),
        ("", ""),
    ],
)
def test_a_moment_is_written_in_kuwait_time_to_the_millisecond_at_most(settings, value, expected):
    settings.TIME_ZONE = "Asia/Kuwait"
    assert machine_time(value) == expected


def test_every_time_element_of_every_template_writes_its_moment_with_the_filter():
    """Django's `date:'c'` writes microseconds: a page that shows a moment must not use it (a day
    alone, `date:'Y-m-d'`, is a valid date string)."""
    found = []
    for template in sorted(TEMPLATES.glob("*/templates/**/*.html")):
        text = template.read_text()
        # inside {% blocktranslate with machine=x|machine_time %}, the bound name is written
        bound = set(re.findall(r"\b(\w+)=[\w.]+\|machine_time\b", text))
        for value in re.findall(r'datetime="([^"]*)"', text):
            named = re.fullmatch(r"\{\{ (\w+) \}\}", value)
            if named and named.group(1) in bound:
                continue
            if re.fullmatch(r"\{\{ \w+\.machine_time \}\}", value):
                continue  # a list's line made in its view by the filter's own function (ADR 0048)
            if not re.fullmatch(r"\{\{ [\w.]+\|(machine_time|date:'Y-m-d') \}\}", value):
                found.append(f"{template.relative_to(TEMPLATES)}: {value}")
    assert found == []
