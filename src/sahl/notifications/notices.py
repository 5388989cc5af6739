"""Official notices from agencies: a caseworker sends one to a civil ID in the registers (and a
minor's guardians), it waits for whoever has no account yet, and the agency reads its proof of
delivery and reading."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy

from sahl.applications.rules import FormInvalid
from sahl.audit import services as audit
from sahl.core.bilingual import BilingualText
from sahl.core.civil_id import CivilId
from sahl.core.errors import BadInput, NotFound
from sahl.core.languages import Wording
from sahl.core.masked_names import masked_name
from sahl.core.messages import MESSAGES
from sahl.idempotency import services as idempotency
from sahl.identity import kept, throttle
from sahl.identity.models import StaffMembership, User
from sahl.notifications import adapters, labels, rules
from sahl.notifications import message_templates as templates
from sahl.notifications.models import Message, Notice, NoticeLog, NoticeRecipient
from sahl.notifications.sending import compose
from sahl.outbox import services as outbox
from sahl.outbox.models import Delivery
from sahl.registry.adapters import Profile, registers

log = logging.getLogger("sahl.notifications")


def membership_of(user: User) -> StaffMembership:
    membership = kept.membership_of(user)  # kept with the logged-in user: no query (ADR 0044)
    if membership is None:
        raise NotFound("page.not_found")
    return membership


@dataclass(frozen=True)
class Draft:
    """A notice checked and not sent: whom it goes to (the civil ID and the name partly masked, in
    both languages) and the confirmation that binds sending to that civil ID and that text."""

    civil_id: str
    name: BilingualText
    confirmation: str


# How long the caseworker may take between seeing the name and confirming.
CONFIRMATION_SECONDS = 30 * 60
_SALT = "sahl.notifications.notice-addressee"


def check_notice(
    staff: User, civil_id: str, subject: str, body: str, due_on: str = "", address: str = ""
) -> Draft:
    """The first step of sending a notice: the form is checked as sending would check it, and the
    addressee's name is looked up in the population register and shown partly masked, so that a
    mistyped civil ID is caught before anything is sent. Nothing is sent.

    A lookup reads a person's data: it is counted per staff member (throttle `notice.addressee`, so
    the form cannot list names quickly) and recorded in the person's access log."""
    membership = membership_of(staff)
    parsed = _parsed(civil_id)
    fields = _checked_fields(subject, body, due_on)
    errors: dict[str, Wording] = dict(fields.errors)
    name: BilingualText | None = None
    if isinstance(parsed, str):
        throttle.take("notice.addressee", str(staff.pk), refusal="notice.too_many_lookups")
        name = registers().names([parsed]).get(parsed)
        if name is None:
            errors["civil_id"] = labels.ERRORS["civil_id_unknown"]
    else:
        errors["civil_id"] = parsed
    if errors:
        raise FormInvalid(errors)
    assert isinstance(parsed, str) and name is not None
    audit.record_read(
        staff,
        parsed,
        agency_id=membership.agency_id,
        application_reference="",
        data="notice_addressee",
        address=address,
    )
    confirmation = {
        "staff": staff.pk,
        "civil_id": parsed,
        "text": fields.digest,
        "once": secrets.token_hex(16),
    }
    token = signing.dumps(confirmation, salt=_SALT)
    return Draft(civil_id=parsed, name=masked_name(name), confirmation=token)


def send_confirmed_notice(
    staff: User, civil_id: str, confirmation: str, subject: str, body: str, due_on: str = ""
) -> str:
    """The second step: the notice is sent to the civil ID whose name the caseworker confirmed, with
    the text they saw, or not at all (a confirmation for another civil ID, another text or another
    staff member, a forged or an expired one: FormInvalid, nothing sent). A confirmation sends once:
    confirming again (a second click, the browser's back button) answers the same notice's
    reference. Returns the notice's reference."""
    membership_of(staff)
    parsed = _parsed(civil_id)
    try:
        confirmed = signing.loads(confirmation, salt=_SALT, max_age=CONFIRMATION_SECONDS)
    except signing.SignatureExpired:
        raise FormInvalid({"civil_id": labels.ERRORS["confirmation_expired"]}) from None
    except signing.BadSignature:
        raise FormInvalid({"civil_id": labels.ERRORS["confirmation"]}) from None
    digest = _checked_fields(subject, body, due_on).digest
    once = confirmed.get("once") if isinstance(confirmed, dict) else None
    if not isinstance(once, str) or confirmed != {
        "staff": staff.pk,
        "civil_id": parsed,
        "text": digest,
        "once": once,
    }:
        log.warning("notice confirmation refused", extra={"user": staff.pk})  # no civil ID
        raise FormInvalid({"civil_id": labels.ERRORS["confirmation"]})

    def send() -> tuple[int, dict[str, Any]]:
        return 201, {"reference": send_notice(staff, civil_id, subject, body, due_on).reference}

    answer = idempotency.once(idempotency.person(staff.pk), f"notice:{once}", digest, send)
    return str(answer.body["reference"])


def _parsed(civil_id: str) -> str | Promise:
    """The civil ID's twelve digits, or what is wrong with it."""
    try:
        return CivilId.parse(civil_id).value
    except BadInput as error:
        return MESSAGES[error.code]


@dataclass(frozen=True)
class _Fields:
    subject: str
    body: str
    due: dt.date | None
    errors: dict[str, Wording]

    @property
    def digest(self) -> str:
        """What the caseworker saw, as a confirmation binds it (line ends as a form sends them or not)."""
        text = "\x1f".join((self.subject, self.body.replace("\r\n", "\n"), str(self.due or "")))
        return hashlib.sha256(text.encode()).hexdigest()


def _checked_fields(subject: str, body: str, due_on: str) -> _Fields:
    errors: dict[str, Wording] = {}
    subject = " ".join(subject.split())
    body = body.strip()
    if not subject or len(subject) > 200:
        errors["subject"] = labels.ERRORS["subject"]
    if not body or len(body) > 4000:
        errors["body"] = labels.ERRORS["body"]
    due: dt.date | None = None
    if due_on.strip():
        try:
            due = dt.date.fromisoformat(due_on.strip())
        except ValueError:
            errors["due_on"] = labels.ERRORS["due_on"]
        else:
            if due < timezone.localdate():
                errors["due_on"] = labels.ERRORS["due_on"]
    return _Fields(subject, body, due, errors)


def send_notice(staff: User, civil_id: str, subject: str, body: str, due_on: str = "") -> Notice:
    """An agency's official notice to a civil ID in the registers: to the person's inbox (and their
    e-mail or SMS), and to a minor's guardians too; to whoever has no account yet when they open one.
    The agency's page sends through `check_notice` and `send_confirmed_notice`; its API, here."""
    membership = membership_of(staff)
    day = timezone.localdate()
    fields = _checked_fields(subject, body, due_on)
    errors: dict[str, Wording] = dict(fields.errors)
    profile: Profile | None = None
    parsed = _parsed(civil_id)
    if isinstance(parsed, str):
        profile = registers().profile(parsed, day)
        if profile is None:
            errors["civil_id"] = labels.ERRORS["civil_id_unknown"]
    else:
        errors["civil_id"] = parsed
    if errors:
        raise FormInvalid(errors)
    subject, body, due = fields.subject, fields.body, fields.due
    assert profile is not None
    with transaction.atomic():
        notice = Notice.objects.create(
            reference=uuid.uuid4().hex[:20],
            agency=membership.agency,
            sent_by=staff,
            civil_id=profile.civil_id,
            subject=subject,
            body=body,
            due_on=due,
        )
        notice.reference = f"N-{notice.created_at.year}-{notice.pk:07d}"
        notice.save(update_fields=["reference"])
        NoticeLog.objects.create(notice=notice, event=NoticeLog.Event.SENT, actor=staff)
        addressed = [(NoticeRecipient.Role.ADDRESSEE.value, profile.civil_id)]
        if rules.needs_guardians(profile.facts["age"]):
            addressed += adapters.guardians().of(profile.civil_id)
        for role, person in addressed:
            recipient = NoticeRecipient.objects.create(notice=notice, civil_id=person, role=role)
            user = User.objects.filter(civil_id=person).first()
            if user is None:
                NoticeLog.objects.create(notice=notice, event=NoticeLog.Event.WAITING, role=role)
            else:
                _deliver_notice(recipient, user, profile)
    log.info("notice sent", extra={"notice": notice.pk, "recipients": len(addressed)})
    return notice


def _deliver_notice(recipient: NoticeRecipient, user: User, addressee: Profile | None) -> Message:
    notice = recipient.notice
    sex = str(addressee.facts["sex"]) if addressee else "M"
    due_line: templates.Param = ""
    if notice.due_on:
        day = notice.due_on.isoformat()
        due_line = format_lazy(templates.DUE_LINE, due=day)
    params: dict[str, templates.Param] = {
        "reference": notice.reference,
        "agency": notice.agency.name,
        "subject": notice.subject,
        "body": notice.body,
        "due_line": due_line,
        "name": addressee.name if addressee else notice.civil_id,
        "child": templates.CHILD.get(sex, templates.CHILD["M"]),
    }
    event = "notice" if recipient.role == NoticeRecipient.Role.ADDRESSEE else "notice_guardian"
    message = compose(user, event, params, notice_recipient=recipient)
    recipient.delivered_at = message.created_at
    recipient.save(update_fields=["delivered_at"])
    NoticeLog.objects.create(notice=notice, event=NoticeLog.Event.DELIVERED, role=recipient.role)
    return message


def deliver_waiting_notices(user: User) -> int:
    """Notices that waited for this person's account (they just opened one) reach their inbox."""
    waiting = list(
        NoticeRecipient.objects.filter(civil_id=user.civil_id, delivered_at__isnull=True).select_related(
            "notice__agency"
        )
    )
    with transaction.atomic():
        for recipient in waiting:
            addressee = registers().profile(recipient.notice.civil_id, timezone.localdate())
            _deliver_notice(recipient, user, addressee)
    return len(waiting)


def notices_of(staff: User, limit: int = 100) -> list[Notice]:
    """The agency's latest notices, newest first, each with how many recipients it is `addressed` to,
    have it (`delivered`) and have `read` it."""
    membership = membership_of(staff)
    found = (
        Notice.objects.filter(agency=membership.agency)
        .annotate(
            addressed=Count("recipients"),
            delivered=Count("recipients", filter=Q(recipients__delivered_at__isnull=False)),
            read=Count("recipients", filter=Q(recipients__read_at__isnull=False)),
        )
        .order_by("-created_at", "-pk")
    )
    return list(found[:limit])


@dataclass(frozen=True)
class RecipientView:
    role: str
    delivered_at: dt.datetime | None
    read_at: dt.datetime | None
    deliveries: list[Delivery]


@dataclass(frozen=True)
class NoticeView:
    notice: Notice
    recipients: list[RecipientView]
    log: list[NoticeLog]


def notice_for(staff: User, reference: str) -> NoticeView:
    """One of the agency's notices with its proof of delivery and reading (another agency's: NotFound)."""
    membership = membership_of(staff)
    notice = (
        Notice.objects.select_related("agency", "sent_by")
        .filter(agency=membership.agency, reference=reference)
        .first()
    )
    if notice is None:
        raise NotFound("page.not_found")
    messages = {m.notice_recipient_id: m for m in Message.objects.filter(notice_recipient__notice=notice)}
    sent = outbox.for_topics([f"message:{m.pk}" for m in messages.values()])
    recipients = []
    for recipient in notice.recipients.order_by("pk"):
        message = messages.get(recipient.pk)
        deliveries = sent[f"message:{message.pk}"] if message else []
        recipients.append(
            RecipientView(recipient.role, recipient.delivered_at, recipient.read_at, deliveries)
        )
    return NoticeView(notice, recipients, list(notice.log.select_related("actor")))
