"""The personal home's four lists, rendered as rows (ui.rows, ADR 0063) with the markup the
template's loops had: they were two thirds of the page's time (a `{% url %}`, a translation and
date filters per row)."""

from __future__ import annotations

import datetime as dt

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext

from sahl.portal.personal import Action, InProgress, PersonalHome
from sahl.ui.links import link
from sahl.ui.rows import RowHtml
from sahl.ui.templatetags.sahl import code, tr

ACTION_ROW = RowHtml("""
    <li><a href="{href}">{text}</a>
      {agency} {reference}</li>""")
PROGRESS_ROW = RowHtml("""
    <li><a href="{href}">{name}</a> <span class="meta">{agency}</span>
      {due}</li>""")
COMING_ROW = RowHtml("""
    <li><strong>{name}</strong>{child}: {expires}
      (<time datetime="{on}" dir="ltr">{on}</time>)
      <a class="button" href="{href}">{renew}</a></li>""")
JOURNEY_ROW = RowHtml("""
    <li><a href="{href}">{name}</a> · {steps}</li>""")

# What each kind of action says; the name is put in escaped.
ACTIONS = {
    "consent": gettext_lazy("Your agreement is asked: %(name)s"),
    "information": gettext_lazy("Information is requested: %(name)s"),
    "payment": gettext_lazy("A fee is due: %(name)s"),
    "journey": gettext_lazy("Steps wait for you: %(name)s"),
}


def rows(home: PersonalHome) -> dict[str, SafeString]:
    """The page's lists, in the page's language, ready to be put in."""
    return {
        "actions": ACTION_ROW.render(_action(a) for a in home.actions),
        "in_progress": PROGRESS_ROW.render(_in_progress(i, gettext("Due by")) for i in home.in_progress),
        "coming_up": COMING_ROW.render(
            {
                "name": c.name,
                "child": f" ({tr(c.child)})" if c.child else "",
                "expires": ngettext("expires in %(days)s day", "expires in %(days)s days", c.days_left)
                % {"days": c.days_left},
                "on": _day(c.expires_on),
                "href": link("applications:service", c.renew),
                "renew": gettext("Renew"),
            }
            for c in home.coming_up
        ),
        "journeys": JOURNEY_ROW.render(
            {
                "href": link("journeys:detail", card.journey.reference),
                "name": tr(card.name),
                "steps": gettext("%(done)s of %(counted)s steps done")
                % {"done": card.done, "counted": card.counted},
            }
            for card in home.journeys
        ),
    }


def _action(action: Action) -> dict[str, object]:
    route = "journeys:detail" if action.kind == "journey" else "applications:detail"
    agency = mark_safe(f'<span class="meta">{escape(tr(action.agency))}</span>') if action.agency else ""  # noqa: S308 - escaped
    return {
        "href": link(route, action.reference),
        "text": mark_safe(str(ACTIONS[action.kind]) % {"name": escape(tr(action.name))}),  # noqa: S308 - escaped
        "agency": agency,
        "reference": code(action.reference),
    }


def _in_progress(item: InProgress, due_by: str) -> dict[str, object]:
    due = ""
    if item.due_on:
        on = _day(item.due_on)
        due = mark_safe(f'· {escape(due_by)} <time datetime="{on}" dir="ltr">{on}</time>')  # noqa: S308 - escaped
    return {
        "href": link("applications:detail", item.reference),
        "name": tr(item.name),
        "agency": tr(item.agency),
        "due": due,
    }


def _day(day: dt.date) -> str:
    return day.strftime("%Y-%m-%d")
