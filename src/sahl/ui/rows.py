"""A long list's rows, each rendered by one string format instead of the template engine (ADR 0063).

Django's engine resolves, escapes and renders each variable of each row as a node of its own: about
4 µs a variable, so 5 ms for the caseworker queue's 50 rows and 60 service options, most of the
page. A `RowHtml` holds one row's markup with `{name}` holes; each row's values are escaped (what is
already safe, such as a `code` element, is kept) and put in. The values that are the same for every
row (column labels) are escaped once for the whole list.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable, Iterable, Mapping

from django.utils.safestring import SafeString, mark_safe


class RowHtml:
    def __init__(self, html: str) -> None:
        self.html = html

    def render(
        self, rows: Iterable[Mapping[str, object]], labels: Mapping[str, object] | None = None, **same: object
    ) -> SafeString:
        """Every row, in order. `labels` are the columns' names, each put in as `{name_label}` (a
        narrow screen shows them beside each cell); `same` are other values every row shares."""
        one = self.one_by_one(labels, **same)
        return mark_safe("".join(one(row) for row in rows))  # noqa: S308 - `one` escapes every value

    def one_by_one(
        self, labels: Mapping[str, object] | None = None, **same: object
    ) -> Callable[[Mapping[str, object]], str]:
        """What renders one row (its values escaped), with the labels and shared values put in once."""
        shared = {f"{name}_label": escaped(text) for name, text in (labels or {}).items()}
        shared |= {name: escaped(value) for name, value in same.items()}
        put_in = self._with(shared).format_map
        return lambda row: put_in({name: escaped(value) for name, value in row.items()})

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


class KeptRows:
    """Rows' markup kept by what each row shows, so that a row shown again unchanged costs a lookup:
    every caseworker of an agency opens the same first page of its queue, again and again. A row's
    key is every value it is made of, given by the caller with the page's own (language, day), so a
    change to any of them is a new key and nothing has to be forgotten. Bounded: emptied when full."""

    def __init__(self, row: RowHtml, limit: int) -> None:
        self.row, self.limit = row, limit
        self._kept: dict[Hashable, str] = {}

    def render(
        self,
        rows: Iterable[tuple[Hashable, Callable[[], Mapping[str, object]]]],
        labels: Mapping[str, object] | None = None,
    ) -> SafeString:
        """Every row, in order: (its key, what makes its values when it is not kept)."""
        one: Callable[[Mapping[str, object]], str] | None = None
        labelled = tuple((labels or {}).items())
        kept, parts = self._kept, []
        for key, values in rows:
            markup = kept.get((labelled, key))
            if markup is None:
                one = one or self.row.one_by_one(labels)
                markup = one(values())
                if len(kept) >= self.limit:
                    kept.clear()
                kept[(labelled, key)] = markup
            parts.append(markup)
        return mark_safe("".join(parts))  # noqa: S308 - each row escaped its values when made
