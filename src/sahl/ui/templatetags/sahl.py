"""Template helpers for bilingual data and money."""

from __future__ import annotations

import datetime as dt
import re

from django import template
from django.template.loader_tags import BlockNode
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from sahl.core.bilingual import FSI, LRI, PDI, BilingualText, isolate
from sahl.core.money import Money
from sahl.core.small_counts import SMALLEST_SHOWN
from sahl.ui.rows import escaped

register = template.Library()


def _english() -> bool:
    return (get_language() or "ar").startswith("en")


@register.filter
def tr(obj: object, field: str = "name") -> str:
    """`{{ service|tr:"name" }}` reads `name_en` or `name_ar` as the page's language asks; bilingual
    data, code text (gettext) and notes kept in both languages read in that language too."""
    if isinstance(obj, BilingualText):
        return obj.en if _english() else obj.ar
    if isinstance(obj, Promise):
        return str(obj)
    if isinstance(obj, dict):
        return str(obj.get("en" if _english() else "ar", ""))
    if isinstance(obj, str):  # a note kept in both languages (BilingualText.joined), or as typed
        both = BilingualText.from_joined(obj)
        return obj if both is None else tr(both)
    return str(getattr(obj, f"{field}_{'en' if _english() else 'ar'}", ""))


@register.filter
def code(value: object) -> SafeString:
    """`{{ application.reference|code }}`: a code (reference, plate, civil ID, payment or document
    number) as one unbroken left-to-right unit, whatever the text around it; sahl.css keeps it on
    one line (`.code`). Written out rather than by `format_html`: a queue page puts in 50 (2.5 µs
    each by format_html, 0.9 µs so)."""
    return mark_safe(f'<bdi dir="ltr" class="code">{escaped(value)}</bdi>')  # noqa: S308 - escaped


@register.filter(name="isolate")
def isolate_code(value: object) -> str:
    """`<title>{{ reference|isolate }}</title>`: a code kept in its order where no markup may go (a
    title, an <option>, an attribute), by Unicode's isolates."""
    return isolate(str(value))


_ISOLATED = re.compile(f"([{LRI}{FSI}])([^{PDI}]*){PDI}")


@register.filter
def isolated(value: object) -> SafeString:
    """`{{ row.value|tr|isolated }}`: text holding isolated runs (`core.bilingual.isolate`,
    `as_typed`) as a page shows them: codes as `code` shows them, typed text in its own direction."""
    text, at = str(value), 0
    out: list[str] = []
    for run in _ISOLATED.finditer(text):
        out.append(escape(text[at : run.start()]))
        inner = run.group(2)
        out.append(str(code(inner)) if run.group(1) == LRI else f'<bdi dir="auto">{escape(inner)}</bdi>')
        at = run.end()
    out.append(escape(text[at:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


# A code inside text written before (a message's subject naming "C-2026-0000001"): letters and
# digits joined by "-" or "/" with a digit in them, or a letter or two before digits (K1234567).
_CODE_IN_TEXT = re.compile(
    r"(?<![\w/-])(?:(?=[A-Z0-9/-]*\d)[A-Z0-9]+(?:[-/][A-Z0-9]+)+|[A-Z]{1,3}\d{4,})(?![\w/-])"
)


@register.filter
def with_codes(value: object) -> SafeString:
    """`{{ message.subject|with_codes }}`: kept text (a message, written when it was sent) with the
    references, plates and numbers in it isolated as `code` shows them."""
    text, at = str(value), 0
    out: list[str] = []
    for found in _CODE_IN_TEXT.finditer(text):
        out += [escape(text[at : found.start()]), str(code(found.group(0)))]
        at = found.end()
    out.append(escape(text[at:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


@register.filter
def fils(amount: int) -> str:
    """An amount in fils as the person reads it: "10.000 د.ك" or "KWD 10.000"."""
    money = Money(int(amount))
    if money.is_free:
        return pgettext("price", "Free")
    return gettext("KWD {amount}").format(amount=money.amount)


@register.filter
def published(count: int | None) -> str:
    """A count as Sahl publishes it: "fewer than 10" below ten, or when hidden (None) so that a
    total does not give a small one back (core.small_counts)."""
    if count is None or count < SMALLEST_SHOWN:
        return gettext("fewer than 10")
    return str(count)


@register.filter
def pick(mapping: object, key: object) -> object:
    """`{{ states|pick:application.state }}`: a value from a mapping in a template."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def name_of(items: object, code: object) -> object:
    """`{{ definition.required_documents|name_of:attachment.document_code|tr }}`: the name of the
    item with that code (a service's document) or role (a party) in a list; None if none has it."""
    found = next(
        (i for i in items or () if code in (getattr(i, "code", None), getattr(i, "role", None))),  # type: ignore[attr-defined]
        None,
    )
    return getattr(found, "name", None)


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


@register.tag
def kept_once(parser: template.base.Parser, token: template.base.Token) -> KeptOnceNode:
    """`{% kept_once lang user.is_staff %}…{% endkept_once %}`: the block's HTML is rendered once per
    process for each value of its arguments, then kept. For the frame every page shares (ADR 0062):
    what is inside may depend only on those arguments and on what every request of the process
    shares (routes, the static files' names, the translations of the language argument)."""
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endkept_once",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("a {% block %} cannot be kept: put {% kept_once %} inside it")
    return KeptOnceNode(nodelist, keys)


class KeptOnceNode(template.Node):
    # Its inside is not searched by node type: `{% extends %}` looks for the blocks of the whole
    # base template on every render (most of the frame is kept, and was walked each time), and a
    # kept part holds no block (refused above).
    child_nodelists = ()

    def __init__(self, nodelist: template.NodeList, keys: list[template.base.FilterExpression]) -> None:
        self.nodelist, self.keys = nodelist, keys
        self.kept: dict[tuple[str, ...], SafeString] = {}

    def render(self, context: template.Context) -> SafeString:
        key = tuple(str(k.resolve(context)) for k in self.keys)
        html = self.kept.get(key)
        if html is None:
            html = self.kept[key] = mark_safe(self.nodelist.render(context))  # noqa: S308 (rendered by the engine, escaped there)
        return html
