"""The counters' listeners: at once, in the transaction of the change (ADR 0060)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from sahl.events.registry import listen
from sahl.events.types import (
    ApplicationCompleted,
    ApplicationDecided,
    ComplaintMoved,
    JourneyCompleted,
    JourneyStarted,
    PaymentCaptured,
)
from sahl.identity.models import User
from sahl.stats import counting


@listen(ApplicationDecided, ApplicationCompleted, at_once=True, together=True)
def count_applications(events: list[ApplicationDecided | ApplicationCompleted]) -> None:
    counting.application_steps([(e.history_id, e.to_state) for e in events])


@listen(PaymentCaptured, at_once=True)
def count_payment(event: PaymentCaptured) -> None:
    # The event's own time: it is written in this transaction, a moment before.
    counting.payment_captured(event.application_id, event.amount_fils, timezone.now())


@listen(JourneyStarted, at_once=True)
def count_journey_started(event: JourneyStarted) -> None:
    counting.journey_started(event.journey_id)


@listen(JourneyCompleted, at_once=True)
def count_journey_completed(event: JourneyCompleted) -> None:
    counting.journey_completed(event.journey_id)


@listen(ComplaintMoved, at_once=True)
def count_complaint(event: ComplaintMoved) -> None:
    counting.complaint_step(event.step_id, event.kind)


# Accounts are opened by several doors (sign-up, the civil ID card, the wallet, staff appointed by
# a command) and announce no event: the model's own signals count them wherever they come from.
@receiver(post_save, sender=User, dispatch_uid="stats.count_account")
def count_account(sender: type[User], instance: User, created: bool, raw: bool = False, **_: Any) -> None:
    if created and not raw:
        counting.add(counting.account_key(instance.date_joined), spread=instance.pk)


@receiver(post_delete, sender=User, dispatch_uid="stats.uncount_account")
def uncount_account(sender: type[User], instance: User, **_: Any) -> None:
    counting.add(counting.account_key(instance.date_joined), -1, spread=instance.pk or 0)
