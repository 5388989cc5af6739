"""Logins, failed logins and logouts go to the audit log (django.contrib.auth's signals, which
allauth sends too). A failed login keeps only the masked identifier, never the password. So do
logging out everywhere and the apps a person lets in or takes back (identity.signals)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from sahl.identity import signals
from sahl.identity.models import User


def _address(request: HttpRequest | None) -> str:
    return str(request.META.get("REMOTE_ADDR", "")) if request is not None else ""


@receiver(user_logged_in, dispatch_uid="audit.login")
def logged_in(sender: object, request: HttpRequest | None, user: object, **kwargs: Any) -> None:
    if isinstance(user, User):
        from sahl.audit.services import login

        login(user, _address(request))


@receiver(user_logged_out, dispatch_uid="audit.logout")
def logged_out(sender: object, request: HttpRequest | None, user: object, **kwargs: Any) -> None:
    if isinstance(user, User):
        from sahl.audit.services import logout

        logout(user, _address(request))


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from sahl.audit.services import login_failed as record

    identifier = next(
        (str(credentials[name]) for name in ("civil_id", "username", "login") if credentials.get(name)), ""
    )
    record(identifier, _address(request))


@receiver(authenticator_added, dispatch_uid="audit.mfa_added")
@receiver(authenticator_removed, dispatch_uid="audit.mfa_removed")
def second_factor_changed(sender: object, request: HttpRequest, authenticator: Any, **kwargs: Any) -> None:
    """Adding or removing a second factor is a security event the person must be able to see."""
    from sahl.audit.services import append

    user = authenticator.user
    added = kwargs.get("signal") is authenticator_added
    append(
        "mfa_changed",
        actor=user,
        subject_civil_id=user.civil_id,
        detail=f"{'added' if added else 'removed'} {authenticator.type}",
        address=_address(request),
    )


@receiver(signals.sms_factor_changed, dispatch_uid="audit.sms_factor")
def sms_factor_changed(sender: object, user: User, added: bool, address: str, **kwargs: Any) -> None:
    from sahl.audit.services import append

    detail = "added sms" if added else "removed sms"
    append("mfa_changed", actor=user, subject_civil_id=user.civil_id, detail=detail, address=address)


@receiver(signals.login_code_refused, dispatch_uid="audit.login_code_refused")
def login_code_refused(sender: object, user: User, outcome: str, address: str, **kwargs: Any) -> None:
    from sahl.audit.services import append

    append("login_failed", subject_civil_id=user.civil_id, address=address, detail=f"sms code {outcome}")


@receiver(signals.proof_refused, dispatch_uid="audit.proof_refused")
def proof_refused(sender: object, civil_id: str, reason: str, address: str, **kwargs: Any) -> None:
    """Someone typed this civil ID to join Sahl or recover its account, and failed: its holder sees it."""
    from sahl.audit.services import append

    append("proof_refused", subject_civil_id=civil_id, address=address, detail=reason)


@receiver(signals.proof_started, dispatch_uid="audit.proof_started")
def proof_started(sender: object, civil_id: str, purpose: str, address: str, **kwargs: Any) -> None:
    """A code went to this civil ID's registered mobile: its holder sees when and from which network."""
    from sahl.audit.services import append

    append("proof_started", subject_civil_id=civil_id, address=address, detail=purpose)


@receiver(signals.account_opened, dispatch_uid="audit.account_opened")
def account_opened(sender: object, user: User, address: str, **kwargs: Any) -> None:
    from sahl.audit.services import append

    append("account_opened", actor=user, subject_civil_id=user.civil_id, address=address)


@receiver(signals.password_set_by_proof, dispatch_uid="audit.password_set_by_proof")
def password_set_by_proof(sender: object, user: User, address: str, **kwargs: Any) -> None:
    from sahl.audit.services import append

    append("password_reset", actor=user, subject_civil_id=user.civil_id, address=address)


@receiver(signals.logged_out_everywhere, dispatch_uid="audit.logout_everywhere")
def logged_out_everywhere(sender: object, user: User, address: str, **kwargs: Any) -> None:
    from sahl.audit.services import append

    append("logout_everywhere", actor=user, subject_civil_id=user.civil_id, address=address)


@receiver(signals.app_authorised, dispatch_uid="audit.app_authorised")
def app_authorised(
    sender: object, user: User, app: str, scopes: list[str], address: str, **kwargs: Any
) -> None:
    from sahl.audit.services import append

    detail = f"{app}: {' '.join(scopes)}"
    append("app_authorised", actor=user, subject_civil_id=user.civil_id, detail=detail, address=address)


@receiver(signals.apps_revoked, dispatch_uid="audit.apps_revoked")
def apps_revoked(
    sender: object, user: User, apps: list[str], reason: str, address: str, **kwargs: Any
) -> None:
    """The detail names the apps and why (the person's own click, a new password, logging out everywhere)."""
    from sahl.audit.services import append

    detail = f"{reason}: {', '.join(apps)}"
    append("app_revoked", actor=user, subject_civil_id=user.civil_id, detail=detail, address=address)


@receiver(signals.staff_appointed, dispatch_uid="audit.staff_appointed")
@receiver(signals.staff_removed, dispatch_uid="audit.staff_removed")
def staff_changed(
    sender: object, user: User, agency: Any, role: str, actor: User | None, address: str, **kwargs: Any
) -> None:
    """A role on an agency's staff given, changed or ended: the person sees who did it, at which
    agency and which role (`detail`: the role given, or the one that ended). A deployment script
    has no actor."""
    from sahl.audit.services import append

    appointed = kwargs.get("signal") is signals.staff_appointed
    append(
        "staff_appointed" if appointed else "staff_removed",
        actor=actor,
        subject_civil_id=user.civil_id,
        agency_id=agency.pk,
        detail=role,
        address=address,
    )
