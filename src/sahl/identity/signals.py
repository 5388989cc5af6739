"""A successful login or a password reset forgets the account's failed logins and locks."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_reset
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from sahl.identity import services
from sahl.identity.models import User


@receiver(user_logged_in, dispatch_uid="identity.clear_failed_logins")
def logged_in(sender: object, user: object, **kwargs: Any) -> None:
    if isinstance(user, User):
        services.clear_failed_logins(user.civil_id)


@receiver(password_reset, dispatch_uid="identity.clear_failed_logins_on_reset")
def was_reset(sender: object, user: object, **kwargs: Any) -> None:
    if isinstance(user, User):
        services.clear_failed_logins(user.civil_id)
