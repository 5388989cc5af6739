"""Who hears about what, and through which channel: the messages for a step of an application, a
payment or a report, and `compose`, which writes one inbox message in the recipient's language and
queues its e-mail, SMS and push alerts.

Messages are written when an application or a report moves (this app listens to their events, see
`receivers.py`); each e-mail or SMS alert goes out through the outbox (the `email` and `sms`
channels in `channels.py`), which sends it at most once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django_tasks import task

from sahl.applications.handover import handover_for
from sahl.applications.labels import STATES
from sahl.applications.models import Application, HistoryEvent, Party
from sahl.catalogue.models import ServiceDraft
from sahl.catalogue.services import definition_of
from sahl.complaints.models import Event as ComplaintStep
from sahl.core import queue
from sahl.core.bilingual import BilingualText
from sahl.core.languages import in_language
from sahl.core.money import Money
from sahl.identity import kept
from sahl.identity.models import StaffMembership, User
from sahl.notifications import message_templates as templates
from sahl.notifications import rules
from sahl.notifications.devices import devices_for
from sahl.notifications.models import Message, NoticeRecipient
from sahl.outbox import services as outbox

# Retries an hour apart at most (outbox.rules): an alert outlives a weekend's SMTP or SMS outage.
ALERT_ATTEMPTS = 120


# --- Messages about applications -----------------------------------------------------------------


def application_changed(application_id: int, history_id: int) -> list[Message]:
    """The messages (and their alerts in the outbox) for a step of an application a person should
    know about; nothing for the rest. The applicant (and the person it is for) hear one message per
    step (rules.speaks_for_its_step); a "please pay" waits to see whether they paid at once. A line
    nobody hears of (an approval its completion speaks for) reads the history alone."""
    history = _history(application_id)
    line = next((m for m in history if m.id == history_id), None)
    key = rules.EVENT_FOR_KIND.get(line.kind) if line is not None else None
    if key is None:
        return []
    speaks = rules.speaks_for_its_step(history, history_id)
    if speaks and key == "payment_due":
        queue.enqueue(
            remind_to_pay,
            application_id,
            at=timezone.now() + dt.timedelta(minutes=rules.REMIND_TO_PAY_AFTER_MINUTES),
        )
        speaks = False
    if not speaks and key != "submitted" and key not in rules.PARTY_EVENTS:
        return []  # the other parties hear only of a filing and of an outcome
    step = HistoryEvent.objects.select_related(
        "application__service", "application__agency", "application__applicant", "application__version"
    ).get(pk=history_id)
    return _notify(step.application, key, note=step.note, actor_id=step.actor_id, to_applicant=speaks)


def payment_changed(application: Application, event: str, amount_fils: int) -> list[Message]:
    """Tell the applicant a fee was received or refunded ("payment_received", "payment_refunded"),
    unless the step it was part of has a message of its own (paid, approved and completed: done)."""
    if event not in rules.PAYMENT_EVENTS:
        raise ValueError(f"not a payment event: {event}")
    history = _history(application.pk)
    kind = "paid" if event == "payment_received" else "refunded"
    row = next((m for m in reversed(history) if m.kind == kind), None)
    if row is not None and not rules.speaks_for_its_step(history, row.id):
        return []
    return _notify(application, event, amount_fils=amount_fils)


@task()
def remind_to_pay(application_id: int) -> int:
    """The "please pay" of a filing whose fee is still unpaid a while later (the step stopped there);
    nothing when it was paid (its outcome is the message) or ended meanwhile. How many were written."""
    with transaction.atomic():
        application = (
            Application.objects.select_related("service", "agency", "applicant")
            .filter(pk=application_id)
            .first()
        )
        if application is None or application.state != "awaiting_payment":
            return 0
        return len(_notify(application, "payment_due"))


def _history(application_id: int) -> list[rules.Moment]:
    rows = HistoryEvent.objects.filter(application_id=application_id).order_by("pk")
    return [
        rules.Moment(pk, kind, to_state) for pk, kind, to_state in rows.values_list("pk", "kind", "to_state")
    ]


def _notify(
    application: Application,
    event: str,
    note: str = "",
    amount_fils: int | None = None,
    actor_id: int | None = None,
    to_applicant: bool = True,
) -> list[Message]:
    if (
        to_applicant
        and event in rules.PAYMENT_EVENTS
        and Message.objects.filter(application=application, event=event).exists()
    ):
        return []
    applicant = application.applicant
    told: list[tuple[User, str]] = []  # who hears, and what
    if to_applicant:
        told.append((applicant, event))
        if application.subject_civil_id != applicant.civil_id:  # filed for them by an attorney or a parent
            told += [
                (user, event)
                for user in _accounts({application.subject_civil_id}, but_not=applicant.civil_id)
            ]
    # The other parties hear about their own part, whatever the applicant hears.
    if event == "submitted":
        others = _accounts(_asked_for_consent(application), but_not=applicant.civil_id)
        told += [(user, "consent_requested") for user in others]
    elif event in rules.PARTY_EVENTS:
        parties = set(application.parties.values_list("civil_id", flat=True))
        # The party who made the change (e.g. the buyer who declined) is not told about it.
        others = [u for u in _accounts(parties, but_not=applicant.civil_id) if u.pk != actor_id]
        told += [(user, "party_update") for user in others]
    if not told:  # a step's other lines (an approval the completion speaks for): nothing to word
        return []
    params = _application_params(application, note, amount_fils) | {"delivery": _handover(application, event)}
    return [compose(user, what, params, application=application) for user, what in told]


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


def _handover(application: Application, event: str) -> templates.Param:
    """How the approved result reaches the person (a kiosk and from when, or a courier and by
    when), told when the application is approved or completed; "" otherwise."""
    found = handover_for(application) if event in ("approved", "completed") else None
    return found.text if found else ""


def _asked_for_consent(application: Application) -> set[str]:
    """Civil IDs of the parties whose consent the application waits for. At the `submitted` event
    the Party rows may not be written yet, so the pinned definition and the answers say who."""
    parties = definition_of(application.version).parties
    if not any(party.consent_required for party in parties):
        return set()  # nobody's consent is asked for by this service (most): no query
    asked = set(application.parties.filter(consent=Party.Consent.PENDING).values_list("civil_id", flat=True))
    for party in parties:
        if party.consent_required and party.civil_id_field and not party.is_applicant:
            civil_id = str(application.form_data.get(party.civil_id_field, "")).strip()
            if civil_id:
                asked.add(civil_id)
    return asked


def _accounts(civil_ids: Iterable[str], but_not: str) -> list[User]:
    wanted = set(civil_ids) - {but_not}
    return list(User.objects.filter(civil_id__in=wanted).order_by("pk")) if wanted else []


def compose(
    user: User,
    event: str,
    params: Mapping[str, templates.Param],
    *,
    application: Application | None = None,
    notice_recipient: NoticeRecipient | None = None,
    link: str = "",
) -> Message:
    """One inbox message, written in both languages (the inbox shows the page's), and a delivery
    (with its task) for each outside channel the person chose, in the person's language."""
    language = rules.language_of(user.preferred_language)
    rendered = templates.render(event, language, params)
    other = templates.render(event, rules.other_language(language), params)
    message = Message.objects.create(
        recipient=user,
        kind=Message.Kind.NOTICE
        if event in rules.NOTICE_EVENTS
        else Message.Kind.COMPLAINT
        if event in rules.COMPLAINT_EVENTS
        else Message.Kind.REMINDER
        if event in rules.REMINDER_EVENTS
        else Message.Kind.JOURNEY
        if event in rules.JOURNEY_EVENTS
        else Message.Kind.SERVICE
        if event in rules.SERVICE_EVENTS
        else Message.Kind.STAFF
        if event in rules.STAFF_EVENTS
        else Message.Kind.APPLICATION,
        event=event,
        language=language,
        subject=rendered.subject,
        body=rendered.body,
        other_subject=other.subject,
        other_body=other.body,
        link=reverse("applications:detail", args=[application.reference]) if application else link,
        application=application,
        notice_recipient=notice_recipient,
    )
    User.objects.filter(pk=user.pk).update(unread_messages=F("unread_messages") + 1)
    kept.forget(user.pk)  # the header's counter, on the person's next page
    devices = devices_for(user) if event in rules.ALERT_EVENTS else {}
    contact = rules.Contact(user.email, user.phone, user.notify_by_email, user.notify_by_sms, tuple(devices))
    path = message.link or reverse("notifications:message", args=[message.pk])
    url = settings.SAHL_PUBLIC_URL + path
    for channel, address in rules.channels_for(event, contact):
        if channel == rules.PUSH:
            # The inbox's title and a link, no more: the push service and the lock screen see it.
            outbox.post(
                channel,
                destination=f"push:{devices[address]}",
                topic=f"message:{message.pk}",
                payload={
                    "subscription": int(address),
                    "title": rendered.subject,
                    "url": path,
                    "lang": language,
                    "tag": f"message-{message.pk}",
                },
                max_attempts=ALERT_ATTEMPTS,
            )
            continue
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
    return [compose(user, event, params, link=link) for user in recipients]


def service_draft_decided(draft_id: int) -> Message | None:
    """Tell the agency administrator who submitted a service's definition that an operator
    published it or returned it (with the reason), linking to the service's editor."""
    draft = ServiceDraft.objects.select_related("service", "author").filter(pk=draft_id).first()
    if draft is None or draft.state not in (ServiceDraft.State.PUBLISHED, ServiceDraft.State.RETURNED):
        return None
    event = "service_published" if draft.state == ServiceDraft.State.PUBLISHED else "service_returned"
    params: dict[str, templates.Param] = {
        "service": BilingualText(draft.service.name_ar, draft.service.name_en),
        "reference": draft.service.code,
        "note": draft.reason or "—",
    }
    link = reverse("backoffice:edit_service", args=[draft.service.code])
    return compose(draft.author, event, params, link=link)
