"""Renewing many workers' permits in one action: one application each (applications.filing, so each
is checked, priced and decided like any other), filed in the background while a page shows the
progress, one payment for all of them at the end. A refusal for one worker does not stop the others;
the same request again (the same idempotency key) creates nothing new."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from sahl.applications import filing
from sahl.applications.models import Application
from sahl.applications.states import State
from sahl.business import rules
from sahl.business.models import Renewal, RenewalItem
from sahl.catalogue.services import get_service
from sahl.core import messages, queue
from sahl.core.errors import BadInput, Conflict, NotFound, SahlError
from sahl.idempotency import services as idempotency
from sahl.identity.models import User
from sahl.mandates import services as mandates
from sahl.mandates.rules import Action
from sahl.mandates.services import Authority
from sahl.registry.adapters import registers

SERVICE = "pam.work-permit-renewal"


def start(authority: Authority, workers: Sequence[str], key: str) -> Renewal:
    """Ask for the renewal of these workers' permits. The filing runs in the background (`file`)."""
    idempotency.check_key(key)
    chosen = sorted({w.strip() for w in workers if w.strip()})
    if not chosen:
        raise BadInput("renewal.none_chosen")
    if len(chosen) > rules.BULK_LIMIT:
        raise BadInput("renewal.too_many", limit=rules.BULK_LIMIT)
    service = get_service(SERVICE)
    mandates.authorize(authority.actor, authority.subject, service, Action.APPLY)
    known = Renewal.objects.filter(actor=authority.actor, key=key).first()
    if known is not None:
        return _same(known, authority.subject, chosen)
    found = registers().workers(authority.subject, civil_ids=chosen, size=len(chosen)).workers
    if len(found) != len(chosen):  # someone not (or no longer) the company's worker
        raise BadInput("renewal.unknown_worker")
    try:
        with transaction.atomic():
            renewal = Renewal.objects.create(
                reference=f"BR-{secrets.token_hex(5).upper()}",
                company_number=authority.subject,
                service_code=SERVICE,
                actor=authority.actor,
                key=key,
            )
            RenewalItem.objects.bulk_create(RenewalItem(renewal=renewal, worker_civil_id=c) for c in chosen)
            queue.enqueue(file_renewal, renewal.pk)  # commits with the rows: the outbox
    except IntegrityError:  # the same request twice at once: the first one's
        known = Renewal.objects.get(actor=authority.actor, key=key)
        return _same(known, authority.subject, chosen)
    return renewal


def _same(known: Renewal, subject: str, chosen: list[str]) -> Renewal:
    asked = sorted(known.items.values_list("worker_civil_id", flat=True))
    if known.company_number != subject or asked != chosen:
        raise Conflict("idempotency.conflict")  # the same key, another request
    return known


def file(renewal_id: int) -> int:
    """File every waiting worker's application (the background task). Each is its own transaction;
    a worker already filed is skipped, so running it again after a crash files the rest once."""
    renewal = Renewal.objects.select_related("actor").get(pk=renewal_id)
    actor: User = renewal.actor
    filed = 0
    waiting = list(renewal.items.filter(outcome=RenewalItem.Outcome.WAITING).order_by("pk"))
    # The salaries from the labour register, read once for all of them (not once per worker).
    found = (
        registers()
        .workers(
            renewal.company_number, civil_ids=[i.worker_civil_id for i in waiting], size=max(len(waiting), 1)
        )
        .workers
    )
    salaries = {w.civil_id: w.monthly_salary_fils for w in found}
    for item in waiting:
        try:
            authority = mandates.authorize(
                actor, renewal.company_number, get_service(renewal.service_code), Action.APPLY
            )
            application = filing.submit(
                authority,
                renewal.service_code,
                _answers(renewal, item, salaries),
                {},
                f"bulk:{renewal.reference}:{item.pk}",
            )
        except SahlError as refused:
            item.outcome, item.reason_code = RenewalItem.Outcome.REFUSED, refused.code[:60]
            item.reason = messages.both(refused.code, **refused.params)
            item.save(update_fields=["outcome", "reason_code", "reason"])
            continue
        item.outcome, item.application_reference = RenewalItem.Outcome.FILED, application.reference
        item.save(update_fields=["outcome", "application_reference"])
        filed += 1
    Renewal.objects.filter(pk=renewal.pk, finished_at__isnull=True).update(finished_at=timezone.now())
    return filed


@task()
def file_renewal(renewal_id: int) -> int:
    """The background task: `file`; returns how many were filed."""
    return file(renewal_id)


def _answers(renewal: Renewal, item: RenewalItem, salaries: dict[str, int]) -> dict[str, object]:
    salary = salaries.get(item.worker_civil_id, 0) / 1000  # 0 if no longer a worker: filing refuses it
    return {
        "company_number": renewal.company_number,
        "worker_civil_id": item.worker_civil_id,
        "monthly_salary": salary,
    }


@dataclass(frozen=True)
class ItemView:
    worker_civil_id: str
    name: object  # the worker's name (BilingualText), or the civil ID when the register has none
    outcome: str
    application: Application | None
    reason_code: str
    reason: dict[str, str]


@dataclass(frozen=True)
class RenewalView:
    renewal: Renewal
    items: list[ItemView]
    finished: bool
    to_pay: list[str]  # references of the applications waiting for their fee
    to_pay_fils: int

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.outcome != RenewalItem.Outcome.WAITING)


def renewal_of(authority: Authority, reference: str) -> RenewalView:
    renewal = Renewal.objects.filter(reference=reference, company_number=authority.subject).first()
    if renewal is None:
        raise NotFound("renewal.not_found")
    items = list(renewal.items.order_by("pk"))
    names = registers().names([i.worker_civil_id for i in items])
    references = [i.application_reference for i in items if i.application_reference]
    applications = {a.reference: a for a in Application.objects.filter(reference__in=references)}
    views = [
        ItemView(
            i.worker_civil_id,
            names.get(i.worker_civil_id, i.worker_civil_id),
            i.outcome,
            applications.get(i.application_reference),
            i.reason_code,
            i.reason,
        )
        for i in items
    ]
    waiting = [a for a in applications.values() if a.state == State.AWAITING_PAYMENT]
    return RenewalView(
        renewal,
        views,
        renewal.finished_at is not None,
        sorted(a.reference for a in waiting),
        sum(a.fee_fils for a in waiting),
    )
