"""Payments follow what happens to applications."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from sahl.applications.services import application_ended


@receiver(application_ended)
def refund_when_ended(sender: Any, application: Any, **kwargs: Any) -> None:
    from sahl.payments.services import refund_if_paid

    refund_if_paid(application)
