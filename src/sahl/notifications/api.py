"""Notifications in JSON: the person's settings and inbox, and the agency's official notices.
The same use cases as the pages, through the same services."""

import datetime as dt
from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Field, P, PathEx, QueryEx, Router, Schema, Status
from ninja.security import django_auth

from sahl.core.api_schemas import Text, errors
from sahl.core.bounds import PAGE_MAX, Id
from sahl.core.languages import in_both
from sahl.identity.current import person_of
from sahl.notifications import labels
from sahl.notifications.inbox import inbox_page, open_message
from sahl.notifications.notices import NoticeView, notice_for, notices_of, send_notice
from sahl.notifications.preferences import Preferences, preferences_of, save_preferences

if TYPE_CHECKING:  # the API reads models through services only
    from sahl.notifications.models import Message, Notice, Reading
    from sahl.outbox.models import Delivery

router = Router(tags=["notifications"], auth=django_auth)


class PreferencesIn(Schema):
    email: str = Field("", description="my e-mail address, or empty")
    phone: str = Field("", description="my mobile number (Kuwait: 8 digits, +965 optional), or empty")
    notify_by_email: bool = Field(False, description="also tell me by e-mail (needs an e-mail address)")
    notify_by_sms: bool = Field(False, description="also tell me by SMS (needs a phone number)")
    language: str = Field(
        "ar", description="my language, ar or en: of my messages, and of Sahl's pages from my next login"
    )


class PreferencesOut(Schema):
    email: str
    phone: str
    notify_by_email: bool
    notify_by_sms: bool
    language: str


class DeliveryOut(Schema):
    channel: str
    state: str
    state_text: Text
    attempts: int
    sent_at: dt.datetime | None
    next_attempt_at: dt.datetime | None


class MessageOut(Schema):
    id: int
    kind: str
    event: str
    language: str
    subject: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class MessageDetail(MessageOut):
    body: str
    link: str
    notice: str | None
    also_notified: list[Text]
    deliveries: list[DeliveryOut]


class InboxOut(Schema):
    unread: int
    page: int
    has_next: bool
    messages: list[MessageOut]


class NoticeIn(Schema):
    civil_id: str = Field(description="the addressee's civil ID (12 digits), in the registers")
    subject: str = Field(description="at most 200 characters")
    body: str = Field(description="at most 4000 characters")
    due_on: str = Field("", description="a date by which to act (YYYY-MM-DD, not in the past), or empty")


class NoticeOut(Schema):
    reference: str
    civil_id: str
    subject: str
    body: str
    due_on: dt.date | None
    created_at: dt.datetime


class RecipientOut(Schema):
    role: str
    role_text: Text
    delivered_at: dt.datetime | None
    read_at: dt.datetime | None
    deliveries: list[DeliveryOut]


class LogOut(Schema):
    at: dt.datetime
    event: str
    text: Text
    role: str
    channel: str


class NoticeDetail(NoticeOut):
    recipients: list[RecipientOut]
    log: list[LogOut]


def _preferences(found: Preferences) -> PreferencesOut:
    return PreferencesOut(
        email=found.email,
        phone=found.phone,
        notify_by_email=found.notify_by_email,
        notify_by_sms=found.notify_by_sms,
        language=found.language,
    )


def _delivery(d: "Delivery") -> DeliveryOut:
    return DeliveryOut(
        channel=d.channel,
        state=d.state,
        state_text=Text(**in_both(labels.DELIVERY_STATES[d.state])),
        attempts=d.attempts,
        sent_at=d.sent_at,
        next_attempt_at=d.next_attempt_at,
    )


def _message(m: "Message", reading: "Reading") -> MessageOut:
    return MessageOut(
        id=m.pk,
        kind=m.kind,
        event=m.event,
        language=reading.language,
        subject=reading.subject,
        created_at=m.created_at,
        read_at=m.read_at,
    )


def _notice(n: "Notice") -> NoticeOut:
    return NoticeOut(
        reference=n.reference,
        civil_id=n.civil_id,
        subject=n.subject,
        body=n.body,
        due_on=n.due_on,
        created_at=n.created_at,
    )


@router.get(
    "/me/notification-settings",
    response=PreferencesOut,
    summary="My notification settings",
    description="My e-mail and phone, whether I hear by e-mail and by SMS besides the inbox, and the "
    "language of my messages.",
)
def get_preferences(request: HttpRequest) -> PreferencesOut:
    return _preferences(preferences_of(person_of(request)))


@router.put(
    "/me/notification-settings",
    response={200: PreferencesOut} | errors(422),
    summary="Change my e-mail, phone, channels and language of messages",
    description="A malformed e-mail or phone answers 422 with a bilingual message per field; nothing is saved.",
)
def put_preferences(request: HttpRequest, body: PreferencesIn) -> PreferencesOut:
    saved = save_preferences(
        person_of(request),
        email=body.email,
        phone=body.phone,
        notify_by_email=body.notify_by_email,
        notify_by_sms=body.notify_by_sms,
        language=body.language,
    )
    return _preferences(saved)


@router.get(
    "/inbox",
    response=InboxOut,
    summary="My messages, newest first (20 a page)",
    description="A page of my inbox with how many messages are unread and whether there is a next page.",
)
def get_inbox(
    request: HttpRequest, page: QueryEx[int, P(ge=1, le=PAGE_MAX, description="the page, from 1")] = 1
) -> InboxOut:
    person = person_of(request)
    found = inbox_page(person, page, person.preferred_language)
    return InboxOut(
        unread=found.unread,
        page=found.page,
        has_next=found.has_next,
        messages=[_message(e.message, e.reading) for e in found.entries],
    )


@router.get(
    "/inbox/{message_id}",
    response={200: MessageDetail} | errors(404),
    summary="One of my messages (marks it read)",
    description="The message with its body, its link, the official notice it carries, who else was "
    "notified and how it was delivered (e-mail, SMS). Another person's message answers 404.",
)
def get_message(
    request: HttpRequest, message_id: PathEx[Id, P(description="the message's `id` in my inbox")]
) -> MessageDetail:
    person = person_of(request)
    view = open_message(person, message_id, person.preferred_language)
    return MessageDetail(
        **_message(view.message, view.reading).model_dump(),
        body=view.reading.body,
        link=view.message.link,
        notice=view.notice.reference if view.notice else None,
        also_notified=[Text(**in_both(other)) for other in view.others],
        deliveries=[_delivery(d) for d in view.deliveries],
    )


@router.get(
    "/notices",
    response={200: list[NoticeOut]} | errors(404),
    summary="My agency's official notices (staff)",
    description="The 200 newest notices my agency sent, newest first. For staff only: others get 404.",
)
def list_notices(request: HttpRequest) -> list[NoticeOut]:
    return [_notice(n) for n in notices_of(person_of(request), limit=200)]


@router.post(
    "/notices",
    response={201: NoticeDetail} | errors(404, 422),
    summary="Send an official notice to a civil ID (staff)",
    description="The civil ID must be in the registers. A minor's guardians are notified too; a person "
    "without an account receives it when they open one. A field that is wrong answers 422 with a "
    "message per field; for staff only: others get 404.",
)
def create_notice(request: HttpRequest, body: NoticeIn) -> Status:
    staff = person_of(request)
    notice = send_notice(staff, body.civil_id, body.subject, body.body, body.due_on)
    return Status(201, _notice_detail(notice_for(staff, notice.reference)))


@router.get(
    "/notices/{reference}",
    response={200: NoticeDetail} | errors(404),
    summary="One notice with its proof of delivery and reading",
    description="The notice, each recipient (addressee, guardians) with when it was delivered and read, "
    "and its log. Another agency's notice answers 404.",
)
def get_notice(
    request: HttpRequest, reference: PathEx[str, P(description="the notice's reference, e.g. N-2026-0000012")]
) -> NoticeDetail:
    return _notice_detail(notice_for(person_of(request), reference))


def _notice_detail(view: NoticeView) -> NoticeDetail:
    return NoticeDetail(
        **_notice(view.notice).model_dump(),
        recipients=[
            RecipientOut(
                role=r.role,
                role_text=Text(**in_both(labels.ROLES[r.role])),
                delivered_at=r.delivered_at,
                read_at=r.read_at,
                deliveries=[_delivery(d) for d in r.deliveries],
            )
            for r in view.recipients
        ],
        log=[
            LogOut(
                at=e.at,
                event=e.event,
                text=Text(**in_both(labels.NOTICE_EVENTS[e.event])),
                role=e.role,
                channel=e.channel,
            )
            for e in view.log
        ],
    )
