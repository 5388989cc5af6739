"""At login the session's clock starts (identity.sessions) and the pages turn to the person's
language; switching language in the header makes it their preference (identity.languages). A new or
reset password takes back every app's tokens (identity.apps_granted). A
successful login forgets the wrong passwords and codes typed for the account from that address; a
password reset also forgets the account's count (identity.services, ADR 0014). A change to a person
or their staff membership forgets the copy their requests read (identity.kept, ADR 0044)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest

from sahl.core.bulk_updates import rows_updated
from sahl.identity import apps_granted, kept, languages, services, session_store, sessions
from sahl.identity.current import address_of
from sahl.identity.models import StaffMembership, User
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


@receiver(password_changed, dispatch_uid="identity.revoke_apps_on_change")
def password_was_changed(
    sender: object, user: object, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A new password shuts out whoever knew the old one: their sessions end (Django's session hash),
    and so do the tokens of every app."""
    if isinstance(user, User):
        apps_granted.revoke_every_app(user, apps_granted.PASSWORD_CHANGED, address_of(request))


@receiver(password_reset, dispatch_uid="identity.revoke_apps_on_reset")
def password_was_reset(
    sender: object, user: object, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if isinstance(user, User):
        apps_granted.revoke_every_app(user, apps_granted.PASSWORD_RESET, address_of(request))


@receiver(post_save, sender=User, dispatch_uid="identity.forget_kept_user")
@receiver(post_delete, sender=User, dispatch_uid="identity.forget_deleted_user")
def user_changed(sender: object, instance: User, **kwargs: Any) -> None:
    kept.forget(instance.pk)  # deactivated, new password, new language: seen on the next request


@receiver(rows_updated, sender=User, dispatch_uid="identity.forget_updated_users")
def users_were_updated(sender: object, ids: list[int], **kwargs: Any) -> None:
    for user_id in ids:  # made staff, deactivated by an update: seen on the next request too
        kept.forget(user_id)


@receiver(rows_updated, sender=StaffMembership, dispatch_uid="identity.forget_updated_memberships")
def memberships_were_updated(sender: object, ids: list[int], **kwargs: Any) -> None:
    for user_id in StaffMembership.objects.filter(pk__in=ids).values_list("user_id", flat=True):
        kept.forget(user_id)  # moved to another agency or role by an update: the next request knows


@receiver(post_save, sender=StaffMembership, dispatch_uid="identity.forget_kept_membership")
@receiver(post_delete, sender=StaffMembership, dispatch_uid="identity.forget_deleted_membership")
def membership_changed(sender: object, instance: StaffMembership, **kwargs: Any) -> None:
    kept.forget(instance.user_id)


# Last of the login's receivers (after Django's last_login and the language above, which forget the
# copy): the first page after the login reads the person without a query.
@receiver(user_logged_in, dispatch_uid="identity.keep_logged_in")
def keep_logged_in(sender: object, user: object, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if isinstance(user, User) and request is not None and hasattr(request, "session"):
        session_store.name_the_user(request.session)  # read with the kept copy from now on (ADR 0068)
        kept.remember(request, user)
