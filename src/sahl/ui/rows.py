"""A long list's rows, each rendered by one string format instead of the template engine (ADR 0063).

Django's engine resolves, escapes and renders each variable of each row as a node of its own: about
4 µs a variable, so 5 ms for the caseworker queue's 50 rows and 60 service options, most of the
page. A `RowHtml` holds one row's markup with `{name}` holes; each row's values are escaped (what is
already safe, such as a `code` element, is kept) and put in. The values that are the same for every
row (column labels) are escaped once for the whole list.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

from django.utils.safestring import SafeString, mark_safe


class RowHtml:
    def __init__(self, html: str) -> None:
        self.html = html

    def render(
        self, rows: Iterable[Mapping[str, object]], labels: Mapping[str, object] | None = None, **same: object
    ) -> SafeString:
        """Every row, in order. `labels` are the columns' names, each put in as `{name_label}` (a
        narrow screen shows them beside each cell); `same` are other values every row shares."""
        shared = {f"{name}_label": escaped(text) for name, text in (labels or {}).items()}
        shared |= {name: escaped(value) for name, value in same.items()}
        put_in = self._with(shared).format_map
        return mark_safe(  # noqa: S308 - every value is escaped above or below
            "".join(put_in({name: escaped(value) for name, value in row.items()}) for row in rows)
        )

    def _with(self, shared: Mapping[str, str]) -> str:
        """The markup with the values every row shares put in once, the rows' holes left open."""
        if not shared or "{{" in self.html or "}}" in self.html:
            return self.html
        doubled = {name: value.replace("{", "{{").replace("}", "}}") for name, value in shared.items()}
        return self.html.format_map(_LeftOpen(doubled))


class _LeftOpen(dict[str, str]):
    """A format's values where a missing name gives its hole back, to be filled by the next format."""

    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


def escaped(value: object) -> str:
    """Django's `conditional_escape` without its wrappers (it is called for every value of every
    row): what is marked safe stays as it is, anything else is escaped as Django escapes it."""
    if type(value) is str:
        return html.escape(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))
