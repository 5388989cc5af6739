"""What notifications listen to: steps of applications, payments and reports, reminders before a
document expires, and roles on agencies' staff given or ended (events, after commit); and accounts
being opened (a notice that waited for the person reaches their inbox in the transaction that opens
the account)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from sahl.applications.models import Application
from sahl.events.registry import listen
from sahl.events.types import (
    ApplicationCompleted,
    ApplicationDecided,
    ApplicationEvent,
    ApplicationMoved,
    ApplicationSubmitted,
    ComplaintMoved,
    JourneyStarted,
    JourneyStepMoved,
    PaymentCaptured,
    PaymentEvent,
    PaymentRefunded,
    ReminderDue,
    ServiceDraftDecided,
    StaffAppointed,
    StaffEvent,
    StaffRemoved,
)
from sahl.identity.models import User
from sahl.notifications import journeys, notices, reminders, rules, sending, staff


@listen(
    ApplicationSubmitted,
    ApplicationMoved,
    ApplicationDecided,
    ApplicationCompleted,
    when=lambda event: event.kind in rules.EVENT_FOR_KIND,  # the steps a message is worded for
)
def application_moved(event: ApplicationEvent) -> None:
    sending.application_changed(event.application_id, event.history_id)


@listen(PaymentCaptured, PaymentRefunded)
def payment_moved(event: PaymentEvent) -> None:
    application = Application.objects.select_related("service", "agency", "applicant").get(
        pk=event.application_id
    )
    what = "payment_received" if isinstance(event, PaymentCaptured) else "payment_refunded"
    sending.payment_changed(application, what, event.amount_fils)


@listen(ComplaintMoved)
def complaint_moved(event: ComplaintMoved) -> None:
    sending.complaint_moved(event.complaint_id, event.step_id, event.kind, event.actor_id)


@listen(ServiceDraftDecided)
def service_draft_decided(event: ServiceDraftDecided) -> None:
    sending.service_draft_decided(event.draft_id)


@listen(JourneyStarted)
def journey_started(event: JourneyStarted) -> None:
    journeys.journey_started(event)


@listen(JourneyStepMoved)
def journey_step_moved(event: JourneyStepMoved) -> None:
    journeys.journey_step_moved(event)


@listen(ReminderDue)
def reminder_due(event: ReminderDue) -> None:
    reminders.reminder_due(event)


@listen(StaffAppointed, StaffRemoved)
def staff_changed(event: StaffEvent) -> None:
    staff.staff_changed(event)


@receiver(post_save, sender=User, dispatch_uid="notifications.account_opened")
def account_opened(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        notices.deliver_waiting_notices(instance)
