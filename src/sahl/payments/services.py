"""Use cases of payments: start paying, apply the gateway's result once, refund, receipts,
reconciliation. Results are verified (signature, reference, amount, currency) before anything."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from sahl.applications import deciding, moving, reading
from sahl.applications.models import Application, HistoryEvent
from sahl.applications.states import State
from sahl.catalogue.models import Agency, Service
from sahl.core.compiled import CompiledRead, all_columns
from sahl.core.errors import BadInput, Conflict, NotFound, Unavailable
from sahl.core.money import Money
from sahl.events.services import announce
from sahl.events.types import DuesPaid, PaymentCaptured, PaymentRefunded
from sahl.mandates import services as mandates
from sahl.mandates.rules import Action
from sahl.outbox import services as outbox
from sahl.payments import receipts
from sahl.payments.adapters import (
    CAPTURED,
    FAILED,
    UNKNOWN,
    GatewayResult,
    GatewayUnavailable,
    Inquiry,
    gateway,
)
from sahl.payments.models import PaymentEvent, PaymentIntent, PaymentItem

__all__ = ["PaymentIntent", "PaymentItem"]

log = logging.getLogger(__name__)
LIVE = (PaymentIntent.State.PENDING, PaymentIntent.State.PAID)


class ResultRefused(BadInput):
    """A gateway result that does not hold up; it was logged and changed nothing."""


class NotKnownYet(Unavailable):
    """The last attempt has no result and the gateway cannot tell yet whether it was captured, so a
    new one would risk a second charge: ask again after `retry_after` seconds."""

    def __init__(self) -> None:
        super().__init__("payment.result_unknown", retry_after=settings.SAHL_PAYMENT_INQUIRY_SECONDS)


def _event(intent: PaymentIntent | None, kind: str, detail: str = "") -> None:
    PaymentEvent.objects.create(intent=intent, kind=kind, detail=detail[:200])


def for_application(application: Application) -> list[PaymentIntent]:
    """The application's attempts: its own, and the baskets it was in (the application's page reads
    them on every visit: compiled once, core.compiled)."""
    return _OF_APPLICATION.instances(application.pk)


def _of_application(application_id: int) -> Any:
    # A UNION of two index reads: PostgreSQL cannot answer "its own OR in a basket with it" from the
    # indexes, and scanned every payment for every application page with a fee (tests/integration/
    # test_explain.py; the bench's payments table is empty, so it never showed there).
    columns = all_columns(PaymentIntent)
    own = PaymentIntent.objects.filter(application_id=application_id).values_list(*columns)
    in_baskets = PaymentIntent.objects.filter(items__application_id=application_id).values_list(*columns)
    return own.union(in_baskets).order_by("created_at")


_OF_APPLICATION = CompiledRead(PaymentIntent, _of_application, 1, numbers=(0,))


def _set_state(intent: PaymentIntent, state: str, *fields: str) -> None:
    """Move the intent (saved with `fields` too); its items are live exactly while it is live."""
    intent.state = state
    intent.save(update_fields=["state", *fields])
    PaymentItem.objects.filter(intent=intent).update(live=state in LIVE)


def _released(intent_id: int) -> None:
    """The intent left the live states by a guarded update: its items no longer hold anything."""
    PaymentItem.objects.filter(intent_id=intent_id).update(live=False)


def authorize_pay(who: reading.Who, service: Service | None) -> None:
    """Someone acting for another (a guardian, an attorney, a company's delegate) must be allowed to pay
    for them (mandates: Action.PAY); refused, mandates records it and raises Forbidden."""
    authority = reading.acting(who)
    if not authority.is_self:
        mandates.authorize(authority.actor, authority.subject, service, Action.PAY)


def new_intent(who: reading.Who, agency: Agency, items: list[PaymentItem], **fields: Any) -> PaymentIntent:
    """A new pending intent paying `items` (unsaved, saved here), with its payer; inside the caller's
    transaction.
    The database refuses an application or a due already live in another attempt (IntegrityError)."""
    authority = reading.acting(who)
    intent = PaymentIntent.objects.create(
        reference=f"PAY-{secrets.token_hex(6).upper()}",
        agency=agency,
        amount_fils=sum(item.amount_fils for item in items),
        expires_at=timezone.now() + dt.timedelta(minutes=settings.SAHL_PAYMENT_MINUTES),
        payer=authority.actor,
        payer_subject=authority.subject,
        payer_name_ar=authority.subject_name.ar,
        payer_name_en=authority.subject_name.en,
        **fields,
    )
    for item in items:
        item.intent = intent
    PaymentItem.objects.bulk_create(items)
    return intent


def open_at_gateway(intent: PaymentIntent) -> PaymentIntent:
    """The intent's payment page at the gateway, asked for outside any transaction (the gateway may
    share the database), with our reference as its idempotency key: two asks, one page, one charge."""
    if not intent.payment_url:
        base = settings.SAHL_PUBLIC_URL
        started = gateway().start(
            intent.reference,
            Money(intent.amount_fils),
            f"{base}{reverse('payments:return')}",
            f"{base}{reverse('payments:callback')}",
        )
        with transaction.atomic():
            PaymentIntent.objects.filter(pk=intent.pk, payment_url="").update(
                gateway_payment_id=started.payment_id, payment_url=started.url
            )
            _event(intent, "started", started.payment_id)
        intent.refresh_from_db()
    return intent


def start(who: reading.Who, reference: str) -> PaymentIntent:
    """The intent to send the person to: the live one if there is one, else a new one.

    The application row is locked while choosing, so two clicks or two tabs get the same intent;
    the gateway is asked outside the transaction (it may share the database), with our reference
    as its idempotency key, so both get the same payment page: one charge.

    An attempt still pending is first asked about at the gateway: one it did not capture is closed,
    so a new one starts at once; one it captured is applied; one it cannot tell about is kept (no
    second charge) and the person is told when to come back.

    Someone acting for another must be allowed to pay for them (authorize_pay). An application in a
    basket still open is not paid alone (Conflict payment.in_basket) until that basket closes."""
    application = reading.application_for(who, reference)
    if not reading.speaks_for(who, application):  # a party (the buyer) does not pay
        raise NotFound("application.not_found")
    authorize_pay(who, application.service)
    captured = _settle_live(application)
    if captured is not None:
        return captured
    with transaction.atomic():
        application = reading.application_for(who, reference)
        application = (
            Application.objects.select_for_update().select_related("agency", "service").get(pk=application.pk)
        )
        if application.state != State.AWAITING_PAYMENT:
            raise Conflict("payment.not_due")
        held = PaymentItem.objects.filter(application=application, live=True).select_related("intent").first()
        live = held.intent if held is not None else None
        if live is not None and live.state == PaymentIntent.State.PAID:
            raise Conflict("payment.already_paid")
        if live is not None and live.expires_at <= timezone.now():
            expire(live)
            live = None
        if live is not None and live.is_basket:
            raise Conflict("payment.in_basket")
        name = application.service.name
        intent = live or new_intent(
            who,
            application.agency,
            [
                PaymentItem(
                    application=application,
                    title_ar=name.ar,
                    title_en=name.en,
                    amount_fils=application.fee_fils,
                )
            ],
            application=application,
        )
    return open_at_gateway(intent)


def _settle_live(application: Application) -> PaymentIntent | None:
    """The pending attempt holding the application (alone or in a basket) asked about at the gateway;
    it is returned if that found it captured."""
    held = PaymentItem.objects.filter(application=application, live=True).values("intent_id")
    live = (
        PaymentIntent.objects.filter(pk__in=held, state=PaymentIntent.State.PENDING)
        .exclude(payment_url="")
        .first()
    )
    if live is None or live.expires_at <= timezone.now():
        return None  # nothing open, or past its time: start() replaces it (a late capture is refunded)
    learnt = inquire(live)
    if learnt == UNKNOWN:
        raise NotKnownYet()
    return live if learnt == CAPTURED and live.state == PaymentIntent.State.PAID else None


# --- Inquiry: the gateway's word on an attempt that has no result --------------------------------


def inquire(intent: PaymentIntent) -> str:
    """Ask the gateway for the attempt's real state and act on it, outside any transaction: captured
    is applied as the callback would be (once); not captured closes a pending attempt; still pending
    or unknown changes nothing. Returns what was learnt (adapters.CAPTURED, FAILED, PENDING, UNKNOWN);
    a gateway that does not answer, or an answer that does not hold up, is UNKNOWN."""
    try:
        answer = gateway().inquire(intent.reference)
    except GatewayUnavailable:
        answer = Inquiry(UNKNOWN)
    if answer.result is not None and answer.state in (CAPTURED, FAILED):
        try:
            _check_matches(intent, answer.result)
        except ResultRefused:
            answer = Inquiry(UNKNOWN)
    PaymentIntent.objects.filter(pk=intent.pk).update(inquired_at=timezone.now(), inquiry=answer.state)
    if answer.result is not None and answer.state == CAPTURED:
        _apply(intent, answer.result)
    elif answer.result is not None and answer.state == FAILED:
        with transaction.atomic():
            if PaymentIntent.objects.filter(pk=intent.pk, state=PaymentIntent.State.PENDING).update(
                state=_CLOSED.get(answer.result.result, PaymentIntent.State.FAILED)
            ):
                _released(intent.pk)
                _event(intent, "inquiry_not_captured", answer.result.result)
    intent.refresh_from_db()
    return answer.state


_CLOSED = {"DECLINED": PaymentIntent.State.DECLINED, "CANCELLED": PaymentIntent.State.CANCELLED}


def inquire_if_due(application: Application, payments: list[PaymentIntent]) -> bool:
    """When the person opens the application: its pending attempt (among `payments`, already read for
    the page, so asking costs no query when nothing is due) is asked about, at most once a
    SAHL_PAYMENT_INQUIRY_SECONDS. True when it was asked (the attempts and the application's state
    may have moved: read them again)."""
    since = timezone.now() - dt.timedelta(seconds=settings.SAHL_PAYMENT_INQUIRY_SECONDS)
    pending = next(
        (
            intent
            for intent in payments
            if intent.state == PaymentIntent.State.PENDING
            and intent.payment_url
            and (intent.inquired_at is None or intent.inquired_at <= since)
        ),
        None,
    )
    if pending is None:
        return False
    if inquire(pending) == CAPTURED:
        application.refresh_from_db(fields=["state"])
    return True


def inquire_basket_if_due(intent: PaymentIntent) -> bool:
    """When the payer opens a basket's page: a pending attempt is asked about, at most once a
    SAHL_PAYMENT_INQUIRY_SECONDS. True when it was asked (read it again)."""
    since = timezone.now() - dt.timedelta(seconds=settings.SAHL_PAYMENT_INQUIRY_SECONDS)
    if intent.state != PaymentIntent.State.PENDING or not intent.payment_url:
        return False
    if intent.inquired_at is not None and intent.inquired_at > since:
        return False
    inquire(intent)
    return True


def inquire_stale(now: dt.datetime | None = None) -> int:
    """The sweep: attempts pending for more than SAHL_PAYMENT_INQUIRY_MINUTES are asked about (the
    person may never come back). Returns how many were settled either way."""
    before = (now or timezone.now()) - dt.timedelta(minutes=settings.SAHL_PAYMENT_INQUIRY_MINUTES)
    stale = PaymentIntent.objects.filter(state=PaymentIntent.State.PENDING, created_at__lt=before).exclude(
        payment_url=""
    )
    return sum(inquire(intent) in (CAPTURED, FAILED) for intent in stale)


def next_inquiry(intent: PaymentIntent) -> dt.datetime:
    """When asking the gateway again about the attempt may tell more."""
    return (intent.inquired_at or timezone.now()) + dt.timedelta(
        seconds=settings.SAHL_PAYMENT_INQUIRY_SECONDS
    )


def expire(intent: PaymentIntent) -> None:
    _set_state(intent, PaymentIntent.State.EXPIRED)
    _event(intent, "expired")


def expire_stale(now: dt.datetime | None = None) -> int:
    """Pending intents past their time expire (a capture that arrives later still counts)."""
    stale = PaymentIntent.objects.filter(
        state=PaymentIntent.State.PENDING, expires_at__lt=now or timezone.now()
    )
    count = 0
    for intent in stale:
        with transaction.atomic():
            if PaymentIntent.objects.filter(pk=intent.pk, state=PaymentIntent.State.PENDING).update(
                state=PaymentIntent.State.EXPIRED
            ):
                _released(intent.pk)
                _event(intent, "expired")
                count += 1
    return count


def apply_result(message: dict[str, Any]) -> PaymentIntent:
    """Apply a gateway result, however many times and in whatever order it arrives."""
    result = gateway().verify(message)
    if result is None:
        _refuse(None, "bad signature")
    assert result is not None
    known = PaymentIntent.objects.filter(reference=result.reference).first()
    if known is None:
        _refuse(None, "unknown reference")
    assert known is not None
    _check_matches(known, result)  # refusals are logged outside the transaction below, so they stay
    return _apply(known, result)


def _apply(known: PaymentIntent, result: GatewayResult) -> PaymentIntent:
    """A verified result (callback, browser return or inquiry), applied once under the row's lock."""
    with transaction.atomic():
        intent = PaymentIntent.objects.select_for_update().get(pk=known.pk)
        if intent.state in (PaymentIntent.State.PAID, PaymentIntent.State.REFUNDED):
            _event(intent, "duplicate", result.result)  # never moves a paid intent back
            return intent
        if result.result == "CAPTURED":
            _paid(intent)
        elif intent.state == PaymentIntent.State.PENDING and result.result in ("DECLINED", "CANCELLED"):
            _set_state(
                intent,
                PaymentIntent.State.DECLINED
                if result.result == "DECLINED"
                else PaymentIntent.State.CANCELLED,
            )
            _event(intent, result.result.lower())
        else:
            _event(intent, "ignored", f"{result.result} while {intent.state}")
    return intent


def _refuse(intent: PaymentIntent | None, why: str) -> None:
    log.warning("payment result refused", extra={"why": why})
    with transaction.atomic():
        _event(intent, "refused", why)
    raise ResultRefused("payment.result_refused")


def _check_matches(intent: PaymentIntent, result: GatewayResult) -> None:
    expected = Money(intent.amount_fils)
    if result.amount != expected.amount or result.currency != expected.currency:
        _refuse(intent, f"amount {result.amount} {result.currency}")
    if intent.gateway_payment_id and result.payment_id != intent.gateway_payment_id:
        _refuse(intent, "payment id")


def _paid(intent: PaymentIntent) -> None:
    items = list(intent.items.all())
    applications = [item.application_id for item in items if item.application_id]
    dues = [item.due_reference for item in items if item.due_reference]
    held_elsewhere = (
        PaymentItem.objects.filter(live=True)
        .filter(Q(application_id__in=applications) | Q(due_reference__in=dues))
        .exclude(intent=intent)
        .values("intent_id")
    )
    others = list(PaymentIntent.objects.select_for_update().filter(pk__in=held_elsewhere).order_by("pk"))
    if any(other.state == PaymentIntent.State.PAID for other in others):
        _event(intent, "duplicate_capture")  # an older attempt was captured late: give it back
        _request_refund(intent)
        return
    # A closed attempt captured late while a newer one is open: this one pays, the newer one closes
    # (captured too, it would be refunded above), and there is never more than one live attempt.
    for newer in others:
        expire(newer)
    application = intent.application
    if application is None:
        _basket_paid(intent, items)
        return
    intent.paid_at = timezone.now()
    _set_state(intent, PaymentIntent.State.PAID, "paid_at")
    _event(intent, "paid")
    announce(
        PaymentCaptured(intent_id=intent.pk, application_id=application.pk, amount_fils=intent.amount_fils)
    )
    receipts.write_receipt(intent)
    if not deciding.payment_received(application):
        _request_refund(intent)  # the application ended while the person was paying


def _basket_paid(intent: PaymentIntent, items: list[PaymentItem]) -> None:
    """A basket is paid whole or given back whole.

    An application of the basket may have ended (withdrawn, cancelled) while the person was on the
    gateway's page. Giving back that item's part alone would be right, but the gateway refunds a
    payment once and in full (its simulated twin refuses any other amount; PaymentGateway.refund is
    asked with the payment's amount), so a partial refund could only fail and wait for an operator.
    So the basket is not applied at all: nothing moves on, the whole payment goes back through the
    outbox, and its items are released at once, so the person can pay the others in a new basket
    straight away (tests/integration/test_payment_baskets.py, the withdrawn application)."""
    locked = {
        application.pk: application
        for application in Application.objects.select_for_update()
        .filter(pk__in=[item.application_id for item in items if item.application_id])
        .order_by("pk")
    }
    intent.paid_at = timezone.now()
    _set_state(intent, PaymentIntent.State.PAID, "paid_at")
    _event(intent, "paid")
    ended = [a.reference for a in locked.values() if a.state != State.AWAITING_PAYMENT]
    if ended:
        _released(intent.pk)
        _event(intent, "basket_given_back", "no longer due: " + ", ".join(ended))
        _request_refund(intent)
        return
    for item in items:
        if item.application_id:
            announce(
                PaymentCaptured(
                    intent_id=intent.pk, application_id=item.application_id, amount_fils=item.amount_fils
                )
            )
            deciding.payment_received(locked[item.application_id])  # due, under our lock: it moves on
    dues = tuple(item.due_reference for item in items if item.due_reference)
    if dues:
        paid_on = timezone.localdate(intent.paid_at).isoformat()
        announce(DuesPaid(intent_id=intent.pk, references=dues, paid_on=paid_on))
    receipts.write_basket_receipt(intent)


def receipt_for(who: reading.Who, reference: str, intent_id: int) -> PaymentIntent:
    """The receipt of an attempt of the application (alone, or the basket it was paid in)."""
    application = reading.application_for(who, reference)
    found = [intent for intent in for_application(application) if intent.pk == intent_id and intent.receipt]
    if not found or not reading.speaks_for(who, application):
        raise NotFound("document.not_found")
    return found[0]


# --- Refunds ----------------------------------------------------------------------------------


def refund_if_paid(application_id: int) -> None:
    """The application ended without the service: a paid fee goes back (through the outbox).

    A fee paid in a basket with others cannot go back alone (the gateway refunds a payment whole, see
    _basket_paid): what is owed is put on the basket's record, once, for the operator to refund."""
    with transaction.atomic():
        intent = PaymentIntent.objects.filter(
            application_id=application_id, state=PaymentIntent.State.PAID
        ).first()
        if intent is not None:
            _request_refund(intent)
            return
        item = (
            PaymentItem.objects.filter(
                application_id=application_id, live=True, intent__state=PaymentIntent.State.PAID
            )
            .select_related("intent", "application")
            .first()
        )
        if item is not None:
            detail = (
                f"{item.application.reference if item.application else ''} {Money(item.amount_fils).amount}"
            )
            if not PaymentEvent.objects.filter(
                intent=item.intent, kind="refund_part_owed", detail=detail
            ).exists():
                log.warning("a basket's part is owed back", extra={"intent": item.intent.reference})
                _event(item.intent, "refund_part_owed", detail)


REFUNDS = uuid.UUID("5f1d2b1e-8a61-4d0c-9a8e-3b7f6c2d9e40")  # namespace of refunds' outbox keys


def _request_refund(intent: PaymentIntent) -> None:
    """One refund per payment, however often it is asked for: its outbox key comes from the intent."""
    key = uuid.uuid5(REFUNDS, intent.reference)
    if not outbox.for_topic(f"payment:{intent.pk}", channel="refund"):
        _event(intent, "refund_requested")
    outbox.post(
        "refund",
        destination="gateway",
        topic=f"payment:{intent.pk}",
        payload={"intent_id": intent.pk},
        key=key,
        max_attempts=8,
    )


def refunded(intent_id: int) -> PaymentIntent:
    """The gateway gave the money back (the outbox's refund went through): record it once."""
    intent = (
        PaymentIntent.objects.select_for_update(of=("self",)).select_related("application").get(pk=intent_id)
    )
    if intent.state == PaymentIntent.State.REFUNDED:
        return intent
    intent.refunded_at = timezone.now()
    _set_state(intent, PaymentIntent.State.REFUNDED, "refunded_at")
    _event(intent, "refunded")
    if intent.application is None:
        # A basket given back whole: none of its applications moved on, and the listeners of
        # payment.refunded read one application; the basket's page says it.
        return intent
    moving.record(intent.application, HistoryEvent.Kind.REFUNDED, None, Money(intent.amount_fils).amount)
    announce(
        PaymentRefunded(
            intent_id=intent.pk, application_id=intent.application.pk, amount_fils=intent.amount_fils
        )
    )
    return intent


def refund_not_done(intent_id: int, why: str) -> None:
    """The refund failed for good or may not have gone: on record for the operator's decision."""
    intent = PaymentIntent.objects.filter(pk=intent_id).first()
    _event(intent, f"refund_{why}")


# --- Reconciliation -----------------------------------------------------------------------------


@dataclass
class AgencyDay:
    agency: Agency
    count: int = 0
    total_fils: int = 0
    matched: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> str:
        return Money(self.total_fils).amount


def reconciliation(day: dt.date) -> tuple[list[AgencyDay], list[str]]:
    """Sahl's captured payments of the day per agency, matched one by one against the gateway's report.

    Returns the rows per agency and the gateway's payments Sahl does not know."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    ours = (
        PaymentIntent.objects.filter(paid_at__gte=start, paid_at__lt=start + dt.timedelta(days=1))
        .select_related("agency")
        .order_by("agency__position", "paid_at")
    )
    theirs = {line.reference: line for line in gateway().report(day)}
    rows: dict[int, AgencyDay] = {}
    for intent in ours:
        row = rows.setdefault(intent.agency_id, AgencyDay(intent.agency))
        row.count += 1
        row.total_fils += intent.amount_fils
        line = theirs.pop(intent.reference, None)
        if line is None:
            row.problems.append(f"{intent.reference}: not in the gateway's report")
        elif line.amount != Money(intent.amount_fils).amount:
            row.problems.append(f"{intent.reference}: amount {line.amount} at the gateway")
        else:
            row.matched += 1
    unknown = [f"{line.reference} ({line.amount})" for line in theirs.values()]
    return list(rows.values()), unknown


def reconciliation_csv_rows(day: dt.date) -> list[list[str]]:
    rows, unknown = reconciliation(day)
    table = [["date", "agency", "payments", "total_kwd", "matched", "problems"]]
    for row in rows:
        table.append(
            [
                day.isoformat(),
                row.agency.code,
                str(row.count),
                row.total,
                str(row.matched),
                "; ".join(row.problems),
            ]
        )
    if unknown:
        table.append([day.isoformat(), "(unknown to Sahl)", str(len(unknown)), "", "0", "; ".join(unknown)])
    return table
