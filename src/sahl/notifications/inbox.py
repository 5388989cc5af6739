"""The person's inbox: their messages a page at a time with the unread count, and one message
opened (which records its reading, and a notice's proof of reading)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise

from sahl.core.bounds import PAGE_MAX
from sahl.core.errors import BadInput, NotFound
from sahl.identity import kept
from sahl.identity.models import User
from sahl.notifications import labels
from sahl.notifications.models import Message, Notice, NoticeLog, Reading
from sahl.outbox import services as outbox
from sahl.outbox.models import Delivery

PAGE_SIZE = 20


@dataclass(frozen=True)
class Entry:
    message: Message
    reading: Reading  # its subject in the language it is read in (no body: a list shows none)


@dataclass(frozen=True)
class InboxPage:
    entries: list[Entry]
    unread: int
    page: int
    has_next: bool


def inbox_page(user: User, page: int = 1, language: str = "ar") -> InboxPage:
    """The person's messages, newest first, a page at a time, each in `language` (the page's), and
    how many are unread."""
    if not 1 <= page <= PAGE_MAX:  # a page past PAGE_MAX would be an OFFSET past the database's range
        raise BadInput("page.invalid")
    start = (page - 1) * PAGE_SIZE
    rows = list(
        Message.objects.filter(recipient=user)
        .only("pk", "kind", "subject", "other_subject", "language", "created_at", "read_at")
        .order_by("-created_at", "-pk")[start : start + PAGE_SIZE + 1]
    )
    unread = Message.objects.filter(recipient=user, read_at__isnull=True).count()
    if unread != user.unread_messages:  # the header's counter drifted (e.g. a stale save): set it right
        User.objects.filter(pk=user.pk).update(unread_messages=unread)
        user.unread_messages = unread
        kept.forget(user.pk)
    entries = [Entry(m, m.reading(language, with_body=False)) for m in rows[:PAGE_SIZE]]
    return InboxPage(entries, unread, page, len(rows) > PAGE_SIZE)


@dataclass(frozen=True)
class MessageView:
    message: Message
    reading: Reading
    deliveries: list[Delivery]
    notice: Notice | None
    others: Sequence[Promise]  # who else was notified of the notice, as this person reads it


def open_message(user: User, message_id: int, language: str = "ar") -> MessageView:
    """The message in `language`, if it is this person's (otherwise NotFound, as if it did not
    exist). The first opening is recorded: the message is read, and a notice's log says so (proof
    of reading)."""
    with transaction.atomic():
        message = (
            Message.objects.select_related("notice_recipient__notice__agency")
            .filter(pk=message_id, recipient=user)
            .first()
        )
        if message is None:
            raise NotFound("page.not_found")
        if message.read_at is None:
            now = timezone.now()
            if Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now):
                message.read_at = now
                User.objects.filter(pk=user.pk, unread_messages__gt=0).update(
                    unread_messages=F("unread_messages") - 1
                )
                user.unread_messages = max(0, user.unread_messages - 1)
                kept.forget(user.pk)  # the header's counter (identity.kept)
                recipient = message.notice_recipient
                if recipient is not None and recipient.read_at is None:
                    recipient.read_at = now
                    recipient.save(update_fields=["read_at"])
                    NoticeLog.objects.create(
                        notice_id=recipient.notice_id, event=NoticeLog.Event.READ, role=recipient.role
                    )
    deliveries = outbox.for_topic(f"message:{message.pk}")
    notice, others = None, []
    if message.notice_recipient is not None:
        notice = message.notice_recipient.notice
        mine = message.notice_recipient.role
        roles = notice.recipients.exclude(pk=message.notice_recipient.pk).values_list("role", flat=True)
        others = [labels.OTHERS[mine][role] for role in roles if role in labels.OTHERS.get(mine, {})]
    return MessageView(message, message.reading(language), deliveries, notice, others)
