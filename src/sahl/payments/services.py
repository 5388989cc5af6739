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
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sahl.applications import deciding, moving, reading
from sahl.applications.models import Application, HistoryEvent
from sahl.applications.pdf import PdfDocument, render_pdf
from sahl.applications.states import State
from sahl.catalogue.models import Agency
from sahl.core.bilingual import LANGUAGES, BilingualText
from sahl.core.errors import BadInput, Conflict, NotFound, Unavailable
from sahl.core.languages import in_language
from sahl.core.money import Money
from sahl.events.services import announce
from sahl.events.types import PaymentCaptured, PaymentRefunded
from sahl.outbox import services as outbox
from sahl.payments.adapters import (
    CAPTURED,
    FAILED,
    UNKNOWN,
    GatewayResult,
    GatewayUnavailable,
    Inquiry,
    gateway,
)
from sahl.payments.models import PaymentEvent, PaymentIntent

__all__ = ["PaymentIntent"]

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
    return list(application.payments.order_by("created_at"))


def start(who: reading.Who, reference: str) -> PaymentIntent:
    """The intent to send the person to: the live one if there is one, else a new one.

    The application row is locked while choosing, so two clicks or two tabs get the same intent;
    the gateway is asked outside the transaction (it may share the database), with our reference
    as its idempotency key, so both get the same payment page: one charge.

    An attempt still pending is first asked about at the gateway: one it did not capture is closed,
    so a new one starts at once; one it captured is applied; one it cannot tell about is kept (no
    second charge) and the person is told when to come back."""
    captured = _settle_live(who, reference)
    if captured is not None:
        return captured
    with transaction.atomic():
        application = reading.application_for(who, reference)
        if not reading.speaks_for(who, application):  # a party (the buyer) does not pay
            raise NotFound("application.not_found")
        application = Application.objects.select_for_update().select_related("agency").get(pk=application.pk)
        if application.state != State.AWAITING_PAYMENT:
            raise Conflict("payment.not_due")
        live = application.payments.filter(state__in=LIVE).first()
        if live is not None and live.state == PaymentIntent.State.PAID:
            raise Conflict("payment.already_paid")
        if live is not None and live.expires_at <= timezone.now():
            _expire(live)
            live = None
        intent = live or PaymentIntent.objects.create(
            reference=f"PAY-{secrets.token_hex(6).upper()}",
            application=application,
            agency=application.agency,
            amount_fils=application.fee_fils,
            expires_at=timezone.now() + dt.timedelta(minutes=settings.SAHL_PAYMENT_MINUTES),
        )
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


def _settle_live(who: reading.Who, reference: str) -> PaymentIntent | None:
    """The pending attempt asked about at the gateway; it is returned if that found it captured."""
    application = reading.application_for(who, reference)
    live = application.payments.filter(state=PaymentIntent.State.PENDING).exclude(payment_url="").first()
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


def _expire(intent: PaymentIntent) -> None:
    intent.state = PaymentIntent.State.EXPIRED
    intent.save(update_fields=["state"])
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
            intent.state = (
                PaymentIntent.State.DECLINED if result.result == "DECLINED" else PaymentIntent.State.CANCELLED
            )
            intent.save(update_fields=["state"])
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
    if intent.application.payments.filter(state=PaymentIntent.State.PAID).exclude(pk=intent.pk).exists():
        _event(intent, "duplicate_capture")  # an older attempt was captured late: give it back
        _request_refund(intent)
        return
    # A closed attempt captured late while a newer one is open: this one pays, the newer one closes
    # (captured too, it would be refunded above), and there is never more than one live attempt.
    for newer in intent.application.payments.filter(state=PaymentIntent.State.PENDING).exclude(pk=intent.pk):
        _expire(newer)
    intent.state = PaymentIntent.State.PAID
    intent.paid_at = timezone.now()
    intent.save(update_fields=["state", "paid_at"])
    _event(intent, "paid")
    announce(
        PaymentCaptured(
            intent_id=intent.pk, application_id=intent.application_id, amount_fils=intent.amount_fils
        )
    )
    _write_receipt(intent)
    if not deciding.payment_received(intent.application):
        _request_refund(intent)  # the application ended while the person was paying


# The receipt (a PDF in both languages, whatever the payer's language).
RECEIPT_TITLE = _("Payment receipt — {service}")
AMOUNT_PAID = _("Amount paid")
PAYMENT_NUMBER = _("Payment number")
PAID_AT = _("Paid at")


def _receipt_title(service: BilingualText) -> BilingualText:
    """The receipt's title in each language, with the service's name in that language."""
    ar, en = (
        in_language(RECEIPT_TITLE, language).format(service=service.get(language)) for language in LANGUAGES
    )
    return BilingualText(ar, en)


def _write_receipt(intent: PaymentIntent) -> None:
    application = Application.objects.select_related("service", "agency", "applicant").get(
        pk=intent.application_id
    )
    paid_at = timezone.localtime(intent.paid_at)
    pdf = render_pdf(
        PdfDocument(
            title=_receipt_title(application.service.name),
            agency=application.agency.name,
            reference=application.reference,
            verification_code=intent.reference,
            verify_url=f"{settings.SAHL_PUBLIC_URL}/applications/{application.reference}",
            holder_name=BilingualText(application.applicant.name_ar, application.applicant.name_en),
            holder_civil_id=application.applicant.civil_id,
            issued_on=paid_at.date(),
            valid_until=None,
            fields=(
                (AMOUNT_PAID, f"{Money(intent.amount_fils).amount} KWD"),
                (PAYMENT_NUMBER, intent.gateway_payment_id),
                (PAID_AT, paid_at.strftime("%Y-%m-%d %H:%M")),
            ),
        )
    )
    intent.receipt.save(f"{intent.reference}.pdf", ContentFile(pdf), save=True)


def receipt_for(who: reading.Who, reference: str, intent_id: int) -> PaymentIntent:
    application = reading.application_for(who, reference)
    intent = application.payments.filter(pk=intent_id).exclude(receipt="").first()
    if intent is None or not reading.speaks_for(who, application):
        raise NotFound("document.not_found")
    return intent


# --- Refunds ----------------------------------------------------------------------------------


def refund_if_paid(application_id: int) -> None:
    """The application ended without the service: a paid fee goes back (through the outbox)."""
    with transaction.atomic():
        intent = PaymentIntent.objects.filter(
            application_id=application_id, state=PaymentIntent.State.PAID
        ).first()
        if intent is not None:
            _request_refund(intent)


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
    intent = PaymentIntent.objects.select_for_update().select_related("application").get(pk=intent_id)
    if intent.state == PaymentIntent.State.REFUNDED:
        return intent
    intent.state = PaymentIntent.State.REFUNDED
    intent.refunded_at = timezone.now()
    intent.save(update_fields=["state", "refunded_at"])
    _event(intent, "refunded")
    moving.record(intent.application, HistoryEvent.Kind.REFUNDED, None, Money(intent.amount_fils).amount)
    announce(
        PaymentRefunded(
            intent_id=intent.pk, application_id=intent.application_id, amount_fils=intent.amount_fils
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
