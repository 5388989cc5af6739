"""Whom a logged-in person acts for, kept between their requests (ADR 0044).

`ActingMiddleware` asks `authorize` again on every request acting for someone; the answer is kept in
the shared cache under the attorney's version (core.versioned). Granting or revoking any power of
attorney the person holds forgets it at once (mandates.receivers), so a revoked mandate stops the
very next request. What ends by the clock alone (a mandate's last day, a child's 18th birthday) is
kept with its last day and checked against today's date on every request, without a query. A
guardian's or a signatory's answer comes from the registers and is kept no longer than their
profiles are (`SAHL_REGISTER_PROFILE_SECONDS`)."""

from __future__ import annotations

from django.conf import settings

from sahl.core import versioned
from sahl.identity.models import User
from sahl.mandates import services
from sahl.mandates.rules import Basis
from sahl.mandates.services import Authority


def _key(actor: str, subject: str) -> str:
    return f"mandates:acting:{actor}:{subject}"


def _version(actor: str) -> str:
    return f"mandates:acting-version:{actor}"


def forget(attorney_civil_id: str) -> None:
    versioned.forget(_version(attorney_civil_id))


def acting_for(user: User, subject: str, *, address: str = "", fresh: bool = False) -> Authority:
    """`services.acting_for`, from the kept answer while it holds (raises Forbidden as it does);
    `fresh` asks again whatever is kept (switching to someone is a decision of its own)."""
    seconds = settings.SAHL_KEEP_LOGIN_SECONDS
    if seconds <= 0:
        return services.acting_for(user, subject, address=address)
    entry, token = versioned.read(_key(user.civil_id, subject), _version(user.civil_id))
    if entry is not None and not fresh:
        basis, name, mandate, scopes, until = entry
        if until is None or services.today() <= until:
            return Authority(user, subject, basis, name, mandate, scopes, until)
    found = services.acting_for(user, subject, address=address)
    if found.basis not in (Basis.ATTORNEY, Basis.DELEGATE):  # a row of ours: its change forgets it
        seconds = min(seconds, settings.SAHL_REGISTER_PROFILE_SECONDS)
    entry = (found.basis, found.subject_name, found.mandate, found.scopes, found.until)
    versioned.keep(_key(user.civil_id, subject), token, entry, seconds)
    return found
