"""E-mail, SMS and push as outbox channels: how a message's alert leaves Sahl, and what a notice's
log records once it went, failed or became uncertain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from sahl.core.handover import MaybeSent, NotSent, Refused
from sahl.notifications import adapters
from sahl.notifications.models import Message, NoticeLog, PushSubscription
from sahl.notifications.push_service import Push, push_service
from sahl.outbox.channels import Failed, Outcome, Retry, Sent, Uncertain
from sahl.outbox.models import Delivery
from sahl.sms.gateways import sms_gateway

EMAIL, SMS, PUSH = "email", "sms", "push"


def header_id(delivery: Delivery) -> str:
    """The Message-ID (e-mail) or reference (SMS), the same for every attempt of one delivery."""
    if delivery.channel == EMAIL:
        domain = settings.DEFAULT_FROM_EMAIL.rstrip(">").rpartition("@")[2] or "sahl.localhost"
        return f"<{delivery.key.hex}@{domain}>"
    return f"sms-{delivery.key.hex}"


def message_id_of(delivery: Delivery) -> int | None:
    kind, _, pk = delivery.topic.partition(":")
    return int(pk) if kind == "message" and pk.isdigit() else None


@dataclass(frozen=True)
class Handover:
    address: str
    subject: str
    text: str
    header_id: str
    language: str


def _handover(delivery: Delivery) -> Handover:
    payload = delivery.payload
    return Handover(
        delivery.address,
        str(payload.get("subject", "")),
        str(payload.get("text", "")),
        header_id(delivery),
        str(payload.get("language", "ar")),
    )


def _outcome(send: Any) -> Outcome:
    try:
        return Sent({"provider_id": str(send())[:120]})
    except MaybeSent as error:
        return Uncertain(error.reason)
    except Refused as error:
        return Failed(error.reason)
    except NotSent as error:
        return Retry(error.reason)


_LOGGED = {
    Delivery.State.SENT: NoticeLog.Event.CHANNEL_SENT,
    Delivery.State.FAILED: NoticeLog.Event.CHANNEL_FAILED,
    Delivery.State.UNCERTAIN: NoticeLog.Event.CHANNEL_UNCERTAIN,
}


def _log_notice(delivery: Delivery) -> None:
    """A notice's log records each alert that went, failed for good or became uncertain."""
    pk = message_id_of(delivery)
    event = _LOGGED.get(Delivery.State(delivery.state))
    if pk is None or event is None:
        return
    message = Message.objects.select_related("notice_recipient").filter(pk=pk).first()
    recipient = message.notice_recipient if message else None
    if recipient is not None:
        NoticeLog.objects.create(
            notice_id=recipient.notice_id, event=event, role=recipient.role, channel=delivery.channel
        )


class EmailChannel:
    name = EMAIL
    resend_when_cut_off = False  # a second e-mail would reach the person twice

    def prepare(self, delivery: Delivery) -> Handover:
        return _handover(delivery)

    def send(self, prepared: Handover) -> Outcome:
        email = adapters.Email(
            to=prepared.address,
            subject=prepared.subject,
            text=prepared.text,
            message_id=prepared.header_id,
            language=prepared.language,
        )
        return _outcome(lambda: adapters.send_email(email))

    def settled(self, delivery: Delivery) -> None:
        _log_notice(delivery)


class SmsChannel:
    name = SMS
    resend_when_cut_off = False

    def prepare(self, delivery: Delivery) -> Handover:
        return _handover(delivery)

    def send(self, prepared: Handover) -> Outcome:
        return _outcome(lambda: sms_gateway().send(prepared.address, prepared.text, prepared.header_id))

    def settled(self, delivery: Delivery) -> None:
        _log_notice(delivery)


# What a push service's answer means (RFC 8030): the subscription is gone (the person turned
# notifications off, or the browser dropped it); or the service is busy or down (try again).
GONE_STATUSES = frozenset({404, 410})
GONE = "subscription-gone"


def _push_outcome(status: int) -> Outcome:
    if 200 <= status < 300:
        return Sent({"status": status}, status)
    if status in GONE_STATUSES:
        return Failed(GONE, status, answered=True)
    if status == 429 or status >= 500:
        return Retry(f"http-{status}", status)
    return Failed(f"http-{status}", status, answered=True)  # 400, 401, 403, 413: this push will not do


class PushChannel:
    """A message's title and link to one device of the person (one delivery per device). Sent again
    after a cut-off attempt: a repeated push replaces the shown notification (the same tag), so the
    person never sees it twice."""

    name = PUSH
    resend_when_cut_off = True

    def prepare(self, delivery: Delivery) -> Push | None:
        subscription = PushSubscription.objects.filter(pk=delivery.payload.get("subscription")).first()
        if subscription is None:
            return None  # the device was removed meanwhile
        shown = {key: str(delivery.payload.get(key, "")) for key in ("title", "url", "lang", "tag")}
        return Push(subscription.endpoint, subscription.p256dh, subscription.auth, shown)

    def send(self, prepared: Push | None) -> Outcome:
        if prepared is None:
            return Failed("unsubscribed", answered=True)
        try:
            return _push_outcome(push_service().send(prepared))
        except Refused as error:
            return Failed(error.reason, answered=True)
        except NotSent as error:
            return Retry(error.reason)

    def settled(self, delivery: Delivery) -> None:
        subscription = PushSubscription.objects.filter(pk=delivery.payload.get("subscription"))
        if delivery.state == Delivery.State.SENT:
            subscription.update(last_success_at=timezone.now())
        elif delivery.state == Delivery.State.FAILED and delivery.last_error == GONE:
            subscription.delete()
        _log_notice(delivery)
