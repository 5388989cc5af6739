"""At login the session's clock starts (identity.sessions) and the pages turn to the person's
language; switching language in the header makes it their preference (identity.languages). A
successful login forgets the wrong passwords and codes typed for the account from that address; a
password reset also forgets the account's count (identity.services, ADR 0014)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_reset
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from sahl.identity import languages, services, sessions
from sahl.identity.current import address_of
from sahl.identity.models import User
from sahl.ui.languages import language_chosen


@receiver(user_logged_in, dispatch_uid="identity.session_clock")
def session_started(sender: object, request: HttpRequest, **kwargs: Any) -> None:
    sessions.start_the_clock(request)


@receiver(user_logged_in, dispatch_uid="identity.clear_failed_logins")
def logged_in(sender: object, user: object, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if isinstance(user, User):
        services.clear_failed_logins(user.civil_id, address_of(request))


@receiver(user_logged_in, dispatch_uid="identity.language_at_login")
def language_at_login(
    sender: object, user: object, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if isinstance(user, User) and request is not None:
        languages.logged_in(request, user)


@receiver(language_chosen, dispatch_uid="identity.language_chosen")
def language_switched(sender: object, request: HttpRequest, language: str, **kwargs: Any) -> None:
    languages.chosen(request, language)


@receiver(password_reset, dispatch_uid="identity.clear_failed_logins_on_reset")
def was_reset(sender: object, user: object, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if isinstance(user, User):
        services.clear_failed_logins(user.civil_id, address_of(request), password_reset=True)
