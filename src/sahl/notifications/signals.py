"""A notice addressed to someone without an account waits for them: it reaches their inbox in the
transaction that opens their account."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from sahl.identity.models import User


@receiver(post_save, sender=User, dispatch_uid="notifications.account_opened")
def account_opened(sender: type[User], instance: User, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        from sahl.notifications.services import deliver_waiting_notices

        deliver_waiting_notices(instance)
