"""Notifications' sections of "My data" (core.personal_data; contributed from
`NotificationsConfig.ready`): the inbox with each message's deliveries, and the official notices sent
to the person or to their minor child."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils.translation import gettext_lazy as _
from pydantic import with_config
from typing_extensions import TypedDict

from sahl.core.personal_data import STRICT, AgencyRef, Contribution, Person, bilingual
from sahl.notifications.models import Message, NoticeRecipient
from sahl.outbox import services as outbox


@with_config(STRICT)
class DeliveryRow(TypedDict):
    channel: str  # email, sms
    address: str
    state: str
    attempts: int
    created_at: dt.datetime
    sent_at: dt.datetime | None


@with_config(STRICT)
class MessageRow(TypedDict):
    """A message in your inbox, and its deliveries by e-mail and SMS."""

    kind: str  # application, notice
    event: str
    language: str
    subject: str
    body: str
    # The same message in the other language, as the inbox shows it on pages in that language
    # ("" for a message kept in one language only, from before both were kept).
    other_subject: str
    other_body: str
    link: str
    application: str | None  # its reference
    notice: str | None  # its reference
    created_at: dt.datetime
    read_at: dt.datetime | None
    deliveries: list[DeliveryRow]


@with_config(STRICT)
class NoticeRow(TypedDict):
    """An official notice sent to you, or to your minor child (you as `father` or `mother`)."""

    reference: str
    agency: AgencyRef
    role: str  # addressee, father, mother
    subject: str
    body: str
    due_on: dt.date | None
    sent_at: dt.datetime
    delivered_at: dt.datetime | None
    read_at: dt.datetime | None


def messages(person: Person) -> list[MessageRow]:
    """The inbox with each message's deliveries by e-mail and SMS (2 queries)."""
    found = (
        Message.objects.filter(recipient_id=person.pk)
        .annotate(
            application_reference=F("application__reference"),
            notice_reference=F("notice_recipient__notice__reference"),
        )
        .order_by("-created_at", "-pk")
    )
    rows = list(found)
    sent = outbox.for_topics([f"message:{m.pk}" for m in rows])
    return [
        {
            "kind": m.kind,
            "event": m.event,
            "language": m.language,
            "subject": m.subject,
            "body": m.body,
            "other_subject": m.other_subject,
            "other_body": m.other_body,
            "link": m.link,
            "application": m.application_reference,
            "notice": m.notice_reference,
            "created_at": m.created_at,
            "read_at": m.read_at,
            "deliveries": [
                {
                    "channel": d.channel,
                    "address": d.address,
                    "state": d.state,
                    "attempts": d.attempts,
                    "created_at": d.created_at,
                    "sent_at": d.sent_at,
                }
                for d in sent[f"message:{m.pk}"]
            ],
        }
        for m in rows
    ]


def notices(person: Person) -> list[NoticeRow]:
    """Official notices sent to the person or to their minor child (1 query)."""
    found = (
        NoticeRecipient.objects.filter(civil_id=person.civil_id)
        .select_related("notice__agency")
        .order_by("-notice__created_at", "-pk")
    )
    return [
        {
            "reference": r.notice.reference,
            "agency": {"code": r.notice.agency.code, "name": bilingual(r.notice.agency.name)},
            "role": r.role,
            "subject": r.notice.subject,
            "body": r.notice.body,
            "due_on": r.notice.due_on,
            "sent_at": r.notice.created_at,
            "delivered_at": r.delivered_at,
            "read_at": r.read_at,
        }
        for r in found
    ]


MESSAGES: Contribution[list[MessageRow]] = Contribution(
    key="messages",
    summary=_("The messages in your inbox, and how they were sent to you by e-mail and SMS."),
    gather=messages,
)
NOTICES: Contribution[list[NoticeRow]] = Contribution(
    key="notices",
    summary=_("Official notices sent to you or about your minor children."),
    gather=notices,
)
