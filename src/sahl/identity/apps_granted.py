"""The apps a person let in (their tokens from Sahl's OpenID provider), and taking them back: one app
from the page that lists them, or every app when the person logs out everywhere or changes or resets
their password. Each of these is a security event the person sees in their log (audit.receivers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import (
    AbstractApplication,
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from sahl.core.errors import NotFound
from sahl.identity import signals
from sahl.identity.models import RegisteredApp, User

# Why every token of a person ended (the audit entry's detail).
LOGGED_OUT_EVERYWHERE = "logout_everywhere"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a reason, not a password)
PASSWORD_RESET = "password_reset"  # noqa: S105
REVOKED = "revoked"


@dataclass(frozen=True)
class GrantedApp:
    """An app holding a live token of the person: its names, what it may do, since when."""

    id: int
    name_ar: str
    name_en: str
    scopes: tuple[str, ...]
    since: dt.datetime

    def display_name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_ar


def _live() -> Q:
    """Access tokens that still work, or whose refresh token can still bring a new one."""
    return Q(expires__gt=timezone.now()) | Q(refresh_token__isnull=False, refresh_token__revoked__isnull=True)


def granted_apps(user: User) -> list[GrantedApp]:
    """The apps with a token of the person that still works (or can still be refreshed)."""
    tokens = (
        get_access_token_model()
        .objects.filter(_live(), user=user)
        .select_related("application__registered")
        .order_by("created")
    )
    found: dict[int, GrantedApp] = {}
    for token in tokens:
        app = token.application
        if app is None or app.pk in found:
            continue
        names = _names(app)
        found[app.pk] = GrantedApp(app.pk, *names, tuple(token.scope.split()), token.created)
    return list(found.values())


def app_name(app: AbstractApplication, language: str) -> str:
    """The app's name in `language` (the one its operator registered)."""
    name_ar, name_en = _names(app)
    return name_en if language.startswith("en") else name_ar


def _names(app: object) -> tuple[str, str]:
    try:
        registered: RegisteredApp = app.registered  # type: ignore[attr-defined]
    except RegisteredApp.DoesNotExist:
        name = str(getattr(app, "name", ""))
        return name, name
    return registered.name_ar, registered.name_en


@transaction.atomic
def revoke_app(user: User, app_id: int, address: str = "") -> None:
    """The person takes back what they let one app do: its tokens stop working at once."""
    app = get_application_model().objects.filter(pk=app_id).first()
    if app is None or not _revoke(user, app_id):
        raise NotFound("app.not_found")
    signals.apps_revoked.send(User, user=user, apps=[_names(app)[1]], reason=REVOKED, address=address)


@transaction.atomic
def revoke_every_app(user: User, reason: str, address: str = "") -> None:
    """Every app of the person loses its tokens (they log out everywhere, or their password changed)."""
    app_ids = set(
        get_access_token_model().objects.filter(_live(), user=user).values_list("application_id", flat=True)
    )
    if not _revoke(user, None):
        return
    apps = get_application_model().objects.filter(pk__in=app_ids).select_related("registered")
    names = sorted(_names(app)[1] for app in apps)
    signals.apps_revoked.send(User, user=user, apps=names, reason=reason, address=address)


def _revoke(user: User, app_id: int | None) -> bool:
    """Revoke the person's refresh tokens (kept, marked) and delete their access and ID tokens and
    unused codes, for one app or all. Whether there was anything live."""
    where = Q(user=user) if app_id is None else Q(user=user, application_id=app_id)
    live = get_access_token_model().objects.filter(where & _live()).exists()
    get_refresh_token_model().objects.filter(where, revoked__isnull=True).update(
        revoked=timezone.now(), access_token=None
    )
    get_access_token_model().objects.filter(where).delete()
    get_id_token_model().objects.filter(where).delete()
    get_grant_model().objects.filter(where).delete()
    return live


@transaction.atomic
def log_out_everywhere(user: User, address: str = "") -> None:
    """End every session of the person (the session hash changes: identity.models.User) and every
    app's tokens."""
    user.sessions_ended_at = timezone.now()
    user.save(update_fields=["sessions_ended_at"])
    signals.logged_out_everywhere.send(User, user=user, address=address)
    revoke_every_app(user, LOGGED_OUT_EVERYWHERE, address)


def consented(user: User, client_id: str, scopes: list[str], address: str = "") -> None:
    """The person let an app in on the consent page: a security event of theirs."""
    app = get_application_model().objects.filter(client_id=client_id).select_related("registered").first()
    if app is not None:
        name = _names(app)[1]
        signals.app_authorised.send(User, user=user, app=name, scopes=scopes, address=address)
