"""Django templates against Jinja2 on the hot pages' lists, in one process (issue 18, point 3).

    .venv/bin/python -m bench.template_engines [--rows 50] [--repeat 300]

Renders the "my applications" table four ways with the same 50 rows: Django as the page is written
(a `{% url %}`, five `{% translate %}` and four filters a row), Django with the rows prepared (links
and words made once, in Python), and the same two in Jinja2 with the same filters as functions.
Prints the median milliseconds a render and each against Django as written. CPU only: no database."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sahl.settings")

import django

django.setup()

import jinja2  # noqa: E402
from django.template import engines  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402
from django.utils.dateformat import format as date_format  # noqa: E402
from django.utils.translation import gettext  # noqa: E402

from sahl.core.bilingual import BilingualText  # noqa: E402
from sahl.ui.templatetags import sahl as tags  # noqa: E402

DJANGO_AS_WRITTEN = """{% load i18n sahl %}<tbody>
{% for application in applications %}
<tr>
  <td data-label="{% translate 'Reference' %}"><a href="{% url 'applications:detail' application.reference %}">{{ application.reference|code }}</a></td>
  <td data-label="{% translate 'Service' %}">{{ application.service|tr:"name" }}</td>
  <td data-label="{% translate 'Status' %}"><span class="badge badge-{{ application.category }}">{{ categories|pick:application.category|tr }}</span></td>
  <td data-label="{% translate 'Filed' %}">{{ application.submitted_at|date:"Y-m-d"|default:"—" }}</td>
  <td data-label="{% translate 'Due by' %}">{{ application.due_on|date:"Y-m-d"|default:"—" }}</td>
</tr>
{% endfor %}
</tbody>"""

DJANGO_PREPARED = """{% load i18n %}{% translate 'Reference' as reference %}{% translate 'Service' as service %}{% translate 'Status' as status %}{% translate 'Filed' as filed %}{% translate 'Due by' as due %}<tbody>
{% for row in rows %}
<tr>
  <td data-label="{{ reference }}"><a href="{{ row.href }}">{{ row.code }}</a></td>
  <td data-label="{{ service }}">{{ row.service }}</td>
  <td data-label="{{ status }}"><span class="badge badge-{{ row.category }}">{{ row.status }}</span></td>
  <td data-label="{{ filed }}">{{ row.filed }}</td>
  <td data-label="{{ due }}">{{ row.due }}</td>
</tr>
{% endfor %}
</tbody>"""

JINJA_AS_WRITTEN = """<tbody>
{% for application in applications %}
<tr>
  <td data-label="{{ _('Reference') }}"><a href="{{ url('applications:detail', application.reference) }}">{{ application.reference|code }}</a></td>
  <td data-label="{{ _('Service') }}">{{ application.service|tr("name") }}</td>
  <td data-label="{{ _('Status') }}"><span class="badge badge-{{ application.category }}">{{ categories|pick(application.category)|tr }}</span></td>
  <td data-label="{{ _('Filed') }}">{{ application.submitted_at|date("Y-m-d") or "—" }}</td>
  <td data-label="{{ _('Due by') }}">{{ application.due_on|date("Y-m-d") or "—" }}</td>
</tr>
{% endfor %}
</tbody>"""

JINJA_PREPARED = """{% set reference, service, status, filed, due = _('Reference'), _('Service'), _('Status'), _('Filed'), _('Due by') %}<tbody>
{% for row in rows %}
<tr>
  <td data-label="{{ reference }}"><a href="{{ row.href }}">{{ row.code }}</a></td>
  <td data-label="{{ service }}">{{ row.service }}</td>
  <td data-label="{{ status }}"><span class="badge badge-{{ row.category }}">{{ row.status }}</span></td>
  <td data-label="{{ filed }}">{{ row.filed }}</td>
  <td data-label="{{ due }}">{{ row.due }}</td>
</tr>
{% endfor %}
</tbody>"""


class Service:
    def __init__(self) -> None:
        self.name_ar, self.name_en = "تجديد دفتر المركبة", "Vehicle registration renewal"


def applications(rows: int) -> list[dict[str, Any]]:
    service = Service()
    moment = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    return [
        {
            "reference": f"SAHL-2026-{i:08d}",
            "service": service,
            "category": "in_progress" if i % 3 else "completed",
            "submitted_at": moment - dt.timedelta(days=i),
            "due_on": (moment + dt.timedelta(days=i)).date() if i % 2 else None,
        }
        for i in range(rows)
    ]


CATEGORIES = {
    "in_progress": BilingualText("قيد الإجراء", "In progress"),
    "completed": BilingualText("مكتملة", "Completed"),
}


def prepared(found: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The rows as a read model would hold them for the reader's language: no work left per row."""
    return [
        {
            "href": f"/applications/{a['reference']}",
            "code": str(tags.code(a["reference"])),
            "service": tags.tr(a["service"], "name"),
            "category": a["category"],
            "status": tags.tr(CATEGORIES[a["category"]]),
            "filed": a["submitted_at"].strftime("%Y-%m-%d"),
            "due": a["due_on"].strftime("%Y-%m-%d") if a["due_on"] else "—",
        }
        for a in found
    ]


def jinja() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, auto_reload=False)
    env.globals.update(_=gettext, url=lambda name, *args: reverse(name, args=args))
    env.filters.update(
        code=tags.code,
        tr=tags.tr,
        pick=tags.pick,
        date=lambda value, fmt: date_format(value, fmt) if value else "",
    )
    return env


def median_ms(render: Callable[[], str], repeat: int) -> float:
    for _ in range(20):
        render()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=300)
    options = parser.parse_args()
    translation.activate("ar")
    found = applications(options.rows)
    context = {"applications": found, "categories": CATEGORIES}
    django_engine = engines["django"]
    env = jinja()
    # Parsed once, as the cached loaders keep them: measure rendering only.
    compiled = {
        "Django, as written": django_engine.from_string(DJANGO_AS_WRITTEN),
        "Django, rows prepared": django_engine.from_string(DJANGO_PREPARED),
        "Jinja2, as written": env.from_string(JINJA_AS_WRITTEN),
        "Jinja2, rows prepared": env.from_string(JINJA_PREPARED),
    }
    rows = prepared(found)
    ways: dict[str, Callable[[], str]] = {
        "Django, as written": lambda: compiled["Django, as written"].render(context),
        "Django, rows prepared": lambda: compiled["Django, rows prepared"].render({"rows": rows}),
        "Jinja2, as written": lambda: compiled["Jinja2, as written"].render(context),
        "Jinja2, rows prepared": lambda: compiled["Jinja2, rows prepared"].render({"rows": rows}),
    }
    prepare = median_ms(lambda: str(prepared(found)), options.repeat)
    base = median_ms(ways["Django, as written"], options.repeat)
    print(f"{options.rows} rows, median of {options.repeat} renders (ms)")
    for name, render in ways.items():
        ms = base if name == "Django, as written" else median_ms(render, options.repeat)
        print(f"  {name:24} {ms:7.3f}  x{base / ms:5.1f}")
    print(f"  preparing the rows once  {prepare:7.3f}  (what a read model does at write time)")


if __name__ == "__main__":
    main()
