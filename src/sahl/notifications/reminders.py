"""The message of a reminder before a document expires: journeys decides who is told of what and
announces it (`ReminderDue`); this writes the person's inbox message, in their language, with the
link to the service that renews the document, and queues its e-mail and SMS if they chose them.

A company's reminder names the company (from the companies register) and counts its workers'
permits or its unpaid contributions; it links to the licence's renewal, or to the company's page."""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import format_lazy

from sahl.core.bilingual import BilingualText
from sahl.core.money import Money
from sahl.events.types import ReminderDue
from sahl.identity.models import User
from sahl.notifications import message_templates as templates
from sahl.notifications.models import Message
from sahl.notifications.sending import compose
from sahl.registry.adapters import registers

# A company's reminders by kind: the template, and the company's page it links to (the licence
# links to its renewal service instead).
COMPANY_TEMPLATES = {
    "commercial_licence": "company_licence_expiring",
    "workforce": "company_workforce_expiring",
    "contributions": "company_contributions_due",
}
COMPANY_PAGES = {"workforce": "business:workers", "contributions": "business:statements"}


def reminder_due(event: ReminderDue) -> Message | None:
    """The message of one reminder; None when the account is gone since it was announced."""
    user = User.objects.filter(pk=event.user_id).first()
    if user is None:
        return None
    expires_on = dt.date.fromisoformat(event.expires_on)
    if event.company:
        return _company_reminder(user, event, expires_on)
    wordings = templates.YOUR_CHILDS_DOCUMENT if event.for_child else templates.YOUR_DOCUMENT
    params: dict[str, templates.Param] = {
        "document": wordings[event.document],
        "expires_on": event.expires_on,
        # Counted when the message is written: a message delayed by a day still says the truth.
        "days": str(max(0, (expires_on - timezone.localdate()).days)),
    }
    return compose(
        user, "document_expiring", params, link=reverse("applications:service", args=[event.renew])
    )


def _company_reminder(user: User, event: ReminderDue, expires_on: dt.date) -> Message:
    company = registers().company(event.company)
    name = company.name if company else BilingualText(event.company, event.company)
    params: dict[str, templates.Param] = {
        "company": name,
        "expires_on": event.expires_on,
        "days": str(max(0, (expires_on - timezone.localdate()).days)),
        "permits": str(event.permits),
        "residencies": str(event.residencies),
        "amount": format_lazy(templates.AMOUNT, amount=Money(event.amount_fils).amount),
    }
    if event.renew:
        link = reverse("applications:service", args=[event.renew])
    else:
        link = _company_page(event.document, event.company)
    return compose(user, COMPANY_TEMPLATES[event.document], params, link=link)


def _company_page(document: str, number: str) -> str:
    for name in (COMPANY_PAGES.get(document), "business:home"):
        if name is None:
            continue
        try:
            return reverse(name, args=[number])
        except NoReverseMatch:
            continue
    return f"/business/{number}"
