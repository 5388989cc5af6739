"""Use cases of notifications: telling people about their applications, the inbox, notification
settings, official notices from agencies, and sending each delivery exactly once.

Messages are written when an application or a report moves (this app listens to their events, see
`receivers.py`); each e-mail or SMS alert goes out through the outbox (the `email` and `sms`
channels in `channels.py`), which sends it at most once."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy

from sahl.applications.models import Application, HistoryEvent, Party
from sahl.applications.rules import FormInvalid
from sahl.applications.texts import STATES
from sahl.catalogue.services import definition_of
from sahl.complaints.models import Event as ComplaintStep
from sahl.core import contacts
from sahl.core.bilingual import BilingualText
from sahl.core.civil_id import CivilId
from sahl.core.errors import BadInput, NotFound
from sahl.core.languages import Wording, in_language
from sahl.core.messages import MESSAGES
from sahl.core.money import Money
from sahl.identity.models import StaffMembership, User
from sahl.notifications import adapters, labels, rules
from sahl.notifications import message_templates as templates
from sahl.notifications.models import Message, Notice, NoticeLog, NoticeRecipient
from sahl.outbox import services as outbox
from sahl.outbox.models import Delivery
from sahl.registry.adapters import Profile, registers

log = logging.getLogger("sahl.notifications")

State = Delivery.State
PAGE_SIZE = 20
# Retries an hour apart at most (outbox.rules): an alert outlives a weekend's SMTP or SMS outage.
ALERT_ATTEMPTS = 120


# --- Messages about applications -----------------------------------------------------------------


def application_changed(application: Application, event: HistoryEvent) -> list[Message]:
    """The messages (and their alerts in the outbox) for a step of an application a person should
    know about; nothing for the rest."""
    key = rules.EVENT_FOR_KIND.get(event.kind)
    if key is None:
        return []
    return _notify(application, key, note=event.note, actor_id=event.actor_id)


def payment_changed(application: Application, event: str, amount_fils: int) -> list[Message]:
    """Tell the applicant a fee was received or refunded ("payment_received", "payment_refunded")."""
    if event not in rules.PAYMENT_EVENTS:
        raise ValueError(f"not a payment event: {event}")
    return _notify(application, event, amount_fils=amount_fils)


def _notify(
    application: Application,
    event: str,
    note: str = "",
    amount_fils: int | None = None,
    actor_id: int | None = None,
) -> list[Message]:
    if (
        event in rules.PAYMENT_EVENTS
        and Message.objects.filter(application=application, event=event).exists()
    ):
        return []
    params = _application_params(application, note, amount_fils)
    applicant = application.applicant
    messages = [_compose(applicant, event, params, application=application)]
    if application.subject_civil_id != applicant.civil_id:  # filed for them by an attorney or a parent
        subject = _accounts({application.subject_civil_id}, but_not=applicant.civil_id)
        messages += [_compose(user, event, params, application=application) for user in subject]
    if event == "submitted":
        others = _accounts(_asked_for_consent(application), but_not=applicant.civil_id)
        messages += [_compose(user, "consent_requested", params, application=application) for user in others]
    elif event in rules.PARTY_EVENTS:
        parties = set(application.parties.values_list("civil_id", flat=True))
        # The party who made the change (e.g. the buyer who declined) is not told about it.
        others = [u for u in _accounts(parties, but_not=applicant.civil_id) if u.pk != actor_id]
        messages += [_compose(user, "party_update", params, application=application) for user in others]
    return messages


def _application_params(
    application: Application, note: str, amount_fils: int | None
) -> dict[str, templates.Param]:
    service = application.service
    amount = Money(application.fee_fils if amount_fils is None else amount_fils).amount
    return {
        "reference": application.reference,
        "service": BilingualText(service.name_ar, service.name_en),
        "agency": application.agency.name,
        "state": STATES[application.state],  # type: ignore[index]
        "amount": format_lazy(templates.AMOUNT, amount=amount),
        "note": note.strip() or "—",
    }


def _asked_for_consent(application: Application) -> set[str]:
    """Civil IDs of the parties whose consent the application waits for. At the `submitted` event
    the Party rows may not be written yet, so the pinned definition and the answers say who."""
    asked = set(application.parties.filter(consent=Party.Consent.PENDING).values_list("civil_id", flat=True))
    for party in definition_of(application.version).parties:
        if party.consent_required and party.civil_id_field and not party.is_applicant:
            civil_id = str(application.form_data.get(party.civil_id_field, "")).strip()
            if civil_id:
                asked.add(civil_id)
    return asked


def _accounts(civil_ids: Iterable[str], but_not: str) -> list[User]:
    wanted = set(civil_ids) - {but_not}
    return list(User.objects.filter(civil_id__in=wanted).order_by("pk")) if wanted else []


def _compose(
    user: User,
    event: str,
    params: Mapping[str, templates.Param],
    *,
    application: Application | None = None,
    notice_recipient: NoticeRecipient | None = None,
    link: str = "",
) -> Message:
    """One inbox message in the recipient's language, and a delivery (with its task) for each
    outside channel the person chose."""
    language = user.preferred_language if user.preferred_language in ("ar", "en") else "ar"
    rendered = templates.render(event, language, params)
    message = Message.objects.create(
        recipient=user,
        kind=Message.Kind.NOTICE
        if event in rules.NOTICE_EVENTS
        else Message.Kind.COMPLAINT
        if event in rules.COMPLAINT_EVENTS
        else Message.Kind.APPLICATION,
        event=event,
        language=language,
        subject=rendered.subject,
        body=rendered.body,
        link=reverse("applications:detail", args=[application.reference]) if application else link,
        application=application,
        notice_recipient=notice_recipient,
    )
    User.objects.filter(pk=user.pk).update(unread_messages=F("unread_messages") + 1)
    contact = rules.Contact(user.email, user.phone, user.notify_by_email, user.notify_by_sms)
    url = settings.SAHL_PUBLIC_URL + (message.link or reverse("notifications:message", args=[message.pk]))
    for channel, address in rules.channels_for(event, contact):
        if channel == rules.EMAIL:
            subject = rendered.email_subject
            text = "\n\n".join(
                [
                    rendered.email_body,
                    in_language(templates.OPEN_IN_SAHL, language).format(url=url),
                    in_language(templates.EMAIL_FOOTER, language),
                ]
            )
        else:
            subject, text = "", rendered.sms
        outbox.post(
            channel,
            destination=channel,
            address=address,
            topic=f"message:{message.pk}",
            payload={"subject": subject, "text": text, "language": language},
            max_attempts=ALERT_ATTEMPTS,
        )
    return message


# The steps of a report the reporter and the people who joined hear about (the one who acted is
# not told); an escalation goes to the agency's supervisors instead.
COMPLAINT_MESSAGE_FOR: dict[str, str] = {
    "routed": "complaint_filed",
    "acknowledged": "complaint_acknowledged",
    "question": "complaint_question",
    "forwarded": "complaint_forwarded",
    "resolved": "complaint_resolved",
    "reopened": "complaint_reopened",
    "escalated": "complaint_escalated",
}


def complaint_moved(complaint_id: int, step_id: int, kind: str, actor_id: int | None) -> list[Message]:
    """Messages about one step of a report's handling (complaints announced it)."""
    event = COMPLAINT_MESSAGE_FOR.get(kind)
    if event is None:
        return []
    step = ComplaintStep.objects.select_related(
        "complaint__topic", "complaint__agency", "complaint__reporter"
    ).get(pk=step_id, complaint_id=complaint_id)
    complaint = step.complaint
    if event == "complaint_escalated":
        people = list(
            User.objects.filter(
                membership__agency=complaint.agency, membership__role=StaffMembership.Role.SUPERVISOR
            ).order_by("pk")
        )
        link = reverse("complaints:case", args=[complaint.reference])
    else:
        people = [f.user for f in complaint.followers.select_related("user")]
        if complaint.reporter is not None:
            people.insert(0, complaint.reporter)
        if event == "complaint_question":  # only the reporter can answer
            people = people[:1] if complaint.reporter is not None else []
        people = [p for p in people if p.pk != actor_id]
        link = reverse("complaints:detail", args=[complaint.reference])
    if not people:
        return []
    return complaint_changed(
        people,
        event,
        reference=complaint.reference,
        topic=complaint.topic.name,
        agency=complaint.agency.name,
        note="" if event in ("complaint_filed", "complaint_escalated") else step.note,
        link=link,
    )


def complaint_changed(
    recipients: Iterable[User],
    event: str,
    *,
    reference: str,
    topic: BilingualText,
    agency: BilingualText,
    note: str,
    link: str,
) -> list[Message]:
    """Tell these people about a step in a report's handling."""
    if event not in rules.COMPLAINT_EVENTS:
        raise ValueError(f"not a complaint's event: {event}")
    params: dict[str, templates.Param] = {
        "reference": reference,
        "topic": topic,
        "agency": agency,
        "note": note.strip() or "—",
    }
    return [_compose(user, event, params, link=link) for user in recipients]


# --- The inbox ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxPage:
    messages: list[Message]
    unread: int
    page: int
    has_next: bool


def inbox(user: User, page: int = 1) -> InboxPage:
    """The person's messages, newest first, a page at a time, and how many are unread."""
    if page < 1:
        raise BadInput("page.invalid")
    start = (page - 1) * PAGE_SIZE
    rows = list(
        Message.objects.filter(recipient=user)
        .only("pk", "kind", "subject", "language", "created_at", "read_at")
        .order_by("-created_at", "-pk")[start : start + PAGE_SIZE + 1]
    )
    unread = Message.objects.filter(recipient=user, read_at__isnull=True).count()
    if unread != user.unread_messages:  # the header's counter drifted (e.g. a stale save): set it right
        User.objects.filter(pk=user.pk).update(unread_messages=unread)
        user.unread_messages = unread
    return InboxPage(rows[:PAGE_SIZE], unread, page, len(rows) > PAGE_SIZE)


@dataclass(frozen=True)
class MessageView:
    message: Message
    deliveries: list[Delivery]
    notice: Notice | None
    others: Sequence[Promise]  # who else was notified of the notice, as this person reads it


def open_message(user: User, message_id: int) -> MessageView:
    """The message, if it is this person's (otherwise NotFound, as if it did not exist). The first
    opening is recorded: the message is read, and a notice's log says so (proof of reading)."""
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
    return MessageView(message, deliveries, notice, others)


# --- Notification settings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    email: str
    phone: str
    notify_by_email: bool
    notify_by_sms: bool
    language: str


def preferences_of(user: User) -> Preferences:
    return Preferences(
        user.email, user.phone, user.notify_by_email, user.notify_by_sms, user.preferred_language
    )


def save_preferences(
    user: User, *, email: str, phone: str, notify_by_email: bool, notify_by_sms: bool, language: str
) -> Preferences:
    """Check everything first; a malformed e-mail or phone changes nothing (FormInvalid per field)."""
    errors: dict[str, Wording] = {}
    clean_email = clean_phone = ""
    try:
        clean_email = contacts.normalize_email(email)
    except contacts.InvalidContact:
        errors["email"] = labels.ERRORS["email"]
    try:
        clean_phone = contacts.normalize_phone(phone)
    except contacts.InvalidContact:
        errors["phone"] = labels.ERRORS["phone"]
    if notify_by_email and not clean_email and "email" not in errors:
        errors["email"] = labels.ERRORS["email_needed"]
    if notify_by_sms and not clean_phone and "phone" not in errors:
        errors["phone"] = labels.ERRORS["phone_needed"]
    if language not in ("ar", "en"):
        errors["language"] = labels.ERRORS["language"]
    if errors:
        raise FormInvalid(errors)
    user.email, user.phone = clean_email, clean_phone
    user.notify_by_email, user.notify_by_sms = notify_by_email, notify_by_sms
    user.preferred_language = language
    with transaction.atomic():
        user.save(update_fields=["email", "phone", "notify_by_email", "notify_by_sms", "preferred_language"])
    return preferences_of(user)


# --- Official notices --------------------------------------------------------------------------------


def membership_of(user: User) -> StaffMembership:
    membership = StaffMembership.objects.select_related("agency").filter(user=user).first()
    if membership is None:
        raise NotFound("page.not_found")
    return membership


def send_notice(staff: User, civil_id: str, subject: str, body: str, due_on: str = "") -> Notice:
    """An agency's official notice to a civil ID in the registers: to the person's inbox (and their
    e-mail or SMS), and to a minor's guardians too; to whoever has no account yet when they open one."""
    membership = membership_of(staff)
    day = timezone.localdate()
    errors: dict[str, Wording] = {}
    profile: Profile | None = None
    try:
        parsed = CivilId.parse(civil_id).value
    except BadInput as error:
        errors["civil_id"] = MESSAGES[error.code]
    else:
        profile = registers().profile(parsed, day)
        if profile is None:
            errors["civil_id"] = labels.ERRORS["civil_id_unknown"]
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
            if due < day:
                errors["due_on"] = labels.ERRORS["due_on"]
    if errors:
        raise FormInvalid(errors)
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
    message = _compose(user, event, params, notice_recipient=recipient)
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
