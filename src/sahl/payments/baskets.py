"""Baskets: one payment for several dues of one agency. A company renews twenty workers' permits and
pays once; it pays its monthly social-insurance statements (dues held in a register outside Sahl's
applications) together.

A basket is a PaymentIntent without `application`, whose items (PaymentItem) are what it pays; its
amount is their sum. Everything else is the single payment's path (services): the gateway asked
outside the transaction, results applied once, inquiry of stale attempts, refunds through the
outbox, reconciliation per agency. The database keeps an application or a due in at most one live
item, of a basket or of a single payment."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sahl.applications import reading
from sahl.applications.models import Application
from sahl.applications.states import State
from sahl.catalogue.models import Agency
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput, Conflict, NotFound
from sahl.payments import services
from sahl.payments.adapters import CAPTURED, UNKNOWN
from sahl.payments.models import PaymentIntent, PaymentItem

MAX_ITEMS = 100  # a company's renewals in one go; the receipt stays readable


@dataclass(frozen=True)
class Due:
    """Something owed outside Sahl's applications, as the register holding it describes it; the caller
    has checked that it exists and is unpaid (payments cannot read that register)."""

    reference: str
    agency_code: str
    amount_fils: int
    title: BilingualText
    owed_by: str  # the subject: a civil ID, or a company's number such as CR-100001


def start_for_applications(
    who: reading.Who, references: Sequence[str], *, return_to: str = ""
) -> PaymentIntent:
    """One payment for the fees of several applications of one agency, all awaiting payment.

    Each must be the acting subject's (otherwise NotFound, as if it did not exist); someone acting for
    another must be allowed to pay. Asking again for the same applications gives the same live basket;
    an application already in another live attempt is refused (Conflict payment.already_started)."""
    wanted = _distinct(references)
    found = []
    for reference in wanted:
        application = reading.application_for(who, reference)
        if not reading.speaks_for(who, application):  # a party (the buyer) does not pay
            raise NotFound("application.not_found")
        found.append(application)
    if len({a.agency_id for a in found}) > 1:
        raise Conflict("payment.basket_agencies")
    for service in {a.service_id: a.service for a in found}.values():
        services.authorize_pay(who, service)
    held = PaymentItem.objects.filter(application__in=found, live=True).values("intent_id")
    settled = _settle(held, {("application", a.pk) for a in found})
    if settled is not None:
        return settled

    def choose() -> PaymentIntent:
        locked = list(
            Application.objects.select_for_update()
            .select_related("agency", "service")
            .filter(pk__in=[a.pk for a in found])
            .order_by("pk")
        )
        if any(a.state != State.AWAITING_PAYMENT for a in locked):
            raise Conflict("payment.not_due")
        items = [
            PaymentItem(
                application=a, title_ar=a.service.name.ar, title_en=a.service.name.en, amount_fils=a.fee_fils
            )
            for a in locked
        ]
        return _live_or_new(who, locked[0].agency, items, return_to)

    return services.open_at_gateway(_in_transaction(choose))


def start_for_dues(who: reading.Who, dues: Sequence[Due], *, return_to: str = "") -> PaymentIntent:
    """One payment for dues of one agency owed by the acting subject (a company's statements).

    Asking again for the same dues gives the same live basket; a due already in another live attempt is
    refused (Conflict payment.already_started), and one already paid (Conflict payment.already_paid)."""
    chosen = list({due.reference: due for due in dues}.values())
    if not chosen or len(chosen) > MAX_ITEMS:
        raise BadInput("payment.basket_size", limit=MAX_ITEMS)
    authority = reading.acting(who)
    if any(due.owed_by != authority.subject for due in chosen):
        raise NotFound("payment.due_not_found")
    if any(due.amount_fils <= 0 or not due.reference or len(due.reference) > 60 for due in chosen):
        raise BadInput("request.bad")
    if len({due.agency_code for due in chosen}) > 1:
        raise Conflict("payment.basket_agencies")
    agency = Agency.objects.filter(code=chosen[0].agency_code).first()
    if agency is None:
        raise NotFound("agency.not_found")
    services.authorize_pay(who, None)
    held = PaymentItem.objects.filter(due_reference__in=[d.reference for d in chosen], live=True)
    settled = _settle(held.values("intent_id"), {("due", d.reference) for d in chosen})
    if settled is not None:
        return settled

    def choose() -> PaymentIntent:
        items = [
            PaymentItem(
                due_reference=d.reference, title_ar=d.title.ar, title_en=d.title.en, amount_fils=d.amount_fils
            )
            for d in chosen
        ]
        return _live_or_new(who, agency, items, return_to)

    return services.open_at_gateway(_in_transaction(choose))


def _distinct(references: Sequence[str]) -> list[str]:
    wanted = list(dict.fromkeys(r.strip() for r in references if r.strip()))
    if not wanted or len(wanted) > MAX_ITEMS:
        raise BadInput("payment.basket_size", limit=MAX_ITEMS)
    return wanted


def _key(item: PaymentItem) -> tuple[str, object]:
    return ("application", item.application_id) if item.application_id else ("due", item.due_reference)


def _settle(held: QuerySet[PaymentItem, Any], wanted: set[tuple[str, object]]) -> PaymentIntent | None:
    """The pending attempts holding any of the wanted things asked about at the gateway first, outside
    any transaction, as services.start does: not captured closes them (the things are free again);
    one the gateway cannot tell about is kept, and no new attempt starts (NotKnownYet). The same
    basket found captured is returned."""
    now = timezone.now()
    pending = PaymentIntent.objects.filter(pk__in=held, state=PaymentIntent.State.PENDING, expires_at__gt=now)
    for intent in pending.exclude(payment_url=""):
        learnt = services.inquire(intent)
        if learnt == UNKNOWN:
            raise services.NotKnownYet()
        if learnt == CAPTURED and {_key(i) for i in intent.items.all()} == wanted:
            return intent
    return None


def _live_or_new(who: reading.Who, agency: Agency, items: list[PaymentItem], return_to: str) -> PaymentIntent:
    """Inside the transaction: the live basket of exactly these things, or a new one; a thing already
    in another live attempt is refused."""
    wanted = {_key(item) for item in items}
    applications = [item.application_id for item in items if item.application_id]
    dues = [item.due_reference for item in items if item.due_reference]
    held = PaymentItem.objects.filter(live=True).filter(
        Q(application_id__in=applications) | Q(due_reference__in=dues)
    )
    holders = list(
        PaymentIntent.objects.select_for_update().filter(pk__in=held.values("intent_id")).order_by("pk")
    )
    for intent in holders:
        if intent.state == PaymentIntent.State.PENDING and intent.expires_at <= timezone.now():
            services.expire(intent)
            continue
        same = {_key(i) for i in intent.items.all()} == wanted
        if same and intent.is_basket:
            if intent.state == PaymentIntent.State.PAID:
                raise Conflict("payment.already_paid")
            return intent
        if intent.state == PaymentIntent.State.PAID:
            raise Conflict("payment.already_paid")
        raise Conflict("payment.already_started")
    return services.new_intent(who, agency, items, return_to=safe_return(return_to))


def _in_transaction(choose: Callable[[], PaymentIntent]) -> PaymentIntent:
    """Run `choose` in a transaction; two baskets of the same dues chosen at once (nothing to lock for
    a due) meet the database's unique index: the loser looks again and finds the winner."""
    try:
        with transaction.atomic():
            return choose()
    except IntegrityError:
        with transaction.atomic():
            return choose()


def safe_return(path: str) -> str:
    """Where to bring the person back after paying: a path of this site only, else nowhere."""
    path = path.strip()
    if (
        not path.startswith("/")
        or path.startswith("//")
        or "\\" in path
        or len(path) > 200
        or any(ord(c) < 33 or ord(c) == 127 for c in path)
    ):
        return ""
    return path


def basket_for(who: reading.Who, reference: str) -> PaymentIntent:
    """A basket, to the subject it was paid for (whoever acts for them now); NotFound for anyone else."""
    intent = (
        PaymentIntent.objects.filter(reference=reference, application__isnull=True)
        .select_related("agency")
        .first()
    )
    if intent is None or not intent.payer_subject or intent.payer_subject != reading.acting(who).subject:
        raise NotFound("page.not_found")
    return intent


def items_of(intent: PaymentIntent) -> list[PaymentItem]:
    return list(intent.items.select_related("application"))


def receipt_of(who: reading.Who, reference: str) -> PaymentIntent:
    intent = basket_for(who, reference)
    if not intent.receipt:
        raise NotFound("document.not_found")
    return intent
