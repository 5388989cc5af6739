"""Template helpers for bilingual data and money."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, pgettext

from sahl.core.bilingual import BilingualText
from sahl.core.money import Money

register = template.Library()


def _english() -> bool:
    return (get_language() or "ar").startswith("en")


@register.filter
def tr(obj: object, field: str = "name") -> str:
    """`{{ service|tr:"name" }}` reads `name_en` or `name_ar` as the page's language asks; bilingual
    data and code text (gettext) read in that language too."""
    if isinstance(obj, BilingualText):
        return obj.en if _english() else obj.ar
    if isinstance(obj, Promise):
        return str(obj)
    if isinstance(obj, dict):
        return str(obj.get("en" if _english() else "ar", ""))
    return str(getattr(obj, f"{field}_{'en' if _english() else 'ar'}", ""))


@register.filter
def fils(amount: int) -> str:
    """An amount in fils as the person reads it: "10.000 د.ك" or "KWD 10.000"."""
    money = Money(int(amount))
    if money.is_free:
        return pgettext("price", "Free")
    return gettext("KWD {amount}").format(amount=money.amount)


@register.filter
def pick(mapping: object, key: object) -> object:
    """`{{ states|pick:application.state }}`: a value from a mapping in a template."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def machine_time(value: object) -> str:
    """`<time datetime="{{ event.at|machine_time }}">`: the moment in the page's time zone, to the
    millisecond at most (HTML refuses more digits; Django's `date:'c'` writes microseconds). A
    moment kept as ISO 8601 text (a signed record's) is read first."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return ""
    if isinstance(value, dt.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return ""
