"""The personal home's lists as rows (portal.home_rows): names escaped, the page's language, links."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from sahl.core.bilingual import BilingualText
from sahl.journeys.reminders import ComingUp
from sahl.portal.home_rows import rows
from sahl.portal.personal import Action, InProgress, PersonalHome

HOSTILE = BilingualText("<script>x</script> & خدمة", "<b>Service</b> & co")


def home(**lists: object) -> PersonalHome:
    return PersonalHome(**({"actions": [], "in_progress": [], "coming_up": [], "journeys": []} | lists))  # type: ignore[arg-type]


def test_a_name_is_escaped_in_the_action_it_is_put_in():
    with translation.override("ar"):
        found = rows(home(actions=[Action("payment", "2026-0000001", HOSTILE, HOSTILE)]))["actions"]
    with translation.override("en"):
        english = rows(home(actions=[Action("payment", "2026-0000001", HOSTILE, HOSTILE)]))["actions"]
    assert "<script>" not in found and "&lt;script&gt;x&lt;/script&gt; &amp; خدمة" in found
    assert 'href="/applications/2026-0000001"' in found
    assert "A fee is due: &lt;b&gt;Service&lt;/b&gt; &amp; co" in english
    assert '<bdi dir="ltr" class="code">2026-0000001</bdi>' in english


def test_in_progress_shows_the_due_day_only_when_there_is_one():
    due = InProgress("2026-0000002", HOSTILE, HOSTILE, "in_review", dt.date(2026, 12, 8))
    undated = InProgress("2026-0000003", HOSTILE, HOSTILE, "submitted", None)
    with translation.override("en"):
        found = rows(home(in_progress=[due, undated]))["in_progress"]
    first, second = found.split("</li>")[:2]
    assert '· Due by <time datetime="2026-12-08" dir="ltr">2026-12-08</time>' in first
    assert "Due by" not in second


def test_coming_up_counts_days_in_the_language_s_plural():
    passport = ComingUp("passport", "Passport", dt.date(2026, 12, 9), 2, "moi.passport-renewal", "1", None)
    with translation.override("ar"):
        arabic = rows(home(coming_up=[passport]))["coming_up"]
    with translation.override("en"):
        english = rows(home(coming_up=[passport]))["coming_up"]
    assert "expires in 2 days" in english and 'href="/services/moi.passport-renewal"' in english
    assert "expires in" not in arabic and "تنتهي" in arabic
