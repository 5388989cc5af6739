"""A company's representatives (مندوب المنشأة): an owner or authorised signatory grants a person a
scoped, dated role for the company; it holds once that person accepted, and stops at the
representative's very next request once revoked (mandates.kept forgets it). The row is a `Mandate`
with the company's number as grantor, so `authorize` decides for representatives as for attorneys."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sahl.audit import services as audit
from sahl.core.bilingual import BilingualText
from sahl.core.civil_id import CivilId
from sahl.core.errors import BadInput, Conflict, Forbidden, NotFound
from sahl.events.services import announce
from sahl.events.types import DelegateInvited, MandateGranted, MandateRevoked
from sahl.identity.models import User
from sahl.mandates import rules
from sahl.mandates.models import Mandate
from sahl.mandates.rules import Basis
from sahl.mandates.services import Authority, today
from sahl.registry.adapters import registers

KIND = Mandate.Kind.COMPANY_DELEGATE


@dataclass(frozen=True)
class Delegation:
    mandate: Mandate
    person_name: BilingualText  # the representative's, for the company; the company's, for them
    company_name: BilingualText
    state: str  # invited, in_force, ended

    @property
    def scope_name(self) -> object:
        found = rules.DELEGATE_SCOPES.get(self.mandate.scope)
        return found.name if found else self.mandate.scope


def _state(mandate: Mandate, day: dt.date) -> str:
    if mandate.revoked_at is not None or mandate.valid_until < day:
        return "ended"
    return "in_force" if mandate.accepted_at is not None else "invited"


def _signing(authority: Authority) -> None:
    """Only who signs for the company (from the companies register) hands out its roles."""
    if authority.basis is not Basis.SIGNATORY:
        raise Forbidden("delegate.signatory_only")


def grant(
    authority: Authority,
    delegate_civil_id: str,
    scope: str,
    valid_until: dt.date | None,
    *,
    address: str = "",
) -> Mandate:
    """Invite a person as the company's representative with one scope, to a last day."""
    _signing(authority)
    day = today()
    if scope not in rules.DELEGATE_SCOPES:
        raise BadInput("delegate.scope")
    civil_id = CivilId.parse(delegate_civil_id).value  # BadInput with the reason if mistyped
    if civil_id == authority.actor.civil_id or registers().person(civil_id) is None:
        raise BadInput("delegate.civil_id")
    if valid_until is None or not rules.delegation_dates_acceptable(valid_until, day):
        raise BadInput("delegate.dates")
    with transaction.atomic():
        open_ = Mandate.objects.filter(
            kind=KIND,
            grantor_civil_id=authority.subject,
            attorney_civil_id=civil_id,
            scope=scope,
            revoked_at__isnull=True,
            valid_until__gte=day,
        ).first()
        if open_ is not None:
            return open_  # the same invitation again (a second click): nothing new
        mandate = Mandate.objects.create(
            kind=KIND,
            grantor_civil_id=authority.subject,
            attorney_civil_id=civil_id,
            scope=scope,
            valid_from=day,
            valid_until=valid_until,
            application_reference=f"DLG-{secrets.token_hex(5).upper()}",
            granted_at=timezone.now(),
            granted_by_civil_id=authority.actor.civil_id,
        )
        announce(DelegateInvited(mandate_id=mandate.pk, application_reference=mandate.application_reference))
        for whose in (authority.subject, civil_id):
            audit.append(
                audit.Kind.MANDATE_GRANTED,
                actor=authority.actor,
                subject_civil_id=whose,
                address=address,
                application_reference=mandate.application_reference,
                detail=f"delegate {scope} ..{valid_until.isoformat()}",
            )
    return mandate


def accept(user: User, mandate_id: int, *, address: str = "") -> Mandate:
    """The invited person accepts: from now on they may act for the company within the scope."""
    with transaction.atomic():
        mandate = (
            Mandate.objects.select_for_update()
            .filter(pk=mandate_id, kind=KIND, attorney_civil_id=user.civil_id)
            .first()
        )
        if mandate is None:
            raise NotFound("mandate.not_found")
        if mandate.accepted_at is not None:
            return mandate
        if _state(mandate, today()) == "ended":
            raise Conflict("mandate.already_ended")
        mandate.accepted_at = timezone.now()
        mandate.save(update_fields=["accepted_at"])
        announce(MandateGranted(mandate_id=mandate.pk, application_reference=mandate.application_reference))
        audit.append(
            audit.Kind.MANDATE_GRANTED,
            actor=user,
            subject_civil_id=mandate.grantor_civil_id,
            address=address,
            application_reference=mandate.application_reference,
            detail="delegate accepted",
        )
    return mandate


def revoke(authority: Authority, mandate_id: int, *, address: str = "") -> Mandate:
    """An owner or signatory ends a representative's role (or the representative declines or
    gives it up, acting for themselves): it stops at their very next request."""
    with transaction.atomic():
        rows = Mandate.objects.select_for_update().filter(pk=mandate_id, kind=KIND)
        if authority.is_self:
            rows = rows.filter(attorney_civil_id=authority.actor.civil_id)
        else:
            _signing(authority)
            rows = rows.filter(grantor_civil_id=authority.subject)
        mandate = rows.first()
        if mandate is None:
            raise NotFound("mandate.not_found")
        if _state(mandate, today()) == "ended":
            raise Conflict("mandate.already_ended")
        mandate.revoked_at = timezone.now()
        mandate.revoked_by_civil_id = authority.actor.civil_id
        mandate.save(update_fields=["revoked_at", "revoked_by_civil_id"])
        announce(MandateRevoked(mandate_id=mandate.pk, application_reference=mandate.application_reference))
        for whose in (mandate.grantor_civil_id, mandate.attorney_civil_id):
            audit.append(
                audit.Kind.MANDATE_REVOKED,
                actor=authority.actor,
                subject_civil_id=whose,
                application_reference=mandate.application_reference,
                address=address,
            )
    return mandate


def of_company(number: str, *, ended: bool = False, size: int = 50) -> list[Delegation]:
    """The company's representatives, the newest first (the ended ones too when asked)."""
    day = today()
    rows = Mandate.objects.filter(kind=KIND, grantor_civil_id=number).order_by("-granted_at")
    if not ended:
        rows = rows.filter(revoked_at__isnull=True, valid_until__gte=day)
    found = list(rows[:size])
    names = registers().names({m.attorney_civil_id for m in found})
    company = registers().company(number)
    company_name = company.name if company else BilingualText(number, number)
    return [
        Delegation(m, names.get(m.attorney_civil_id, BilingualText("—", "—")), company_name, _state(m, day))
        for m in found
    ]


def of_person(user: User) -> list[Delegation]:
    """The companies a person was invited to represent, or represents, not yet ended."""
    day = today()
    rows = Mandate.objects.filter(
        kind=KIND, attorney_civil_id=user.civil_id, revoked_at__isnull=True, valid_until__gte=day
    ).order_by("-granted_at")[:50]
    found = []
    for m in rows:
        company = registers().company(m.grantor_civil_id)
        name = company.name if company else BilingualText(m.grantor_civil_id, m.grantor_civil_id)
        found.append(Delegation(m, BilingualText(user.name_ar, user.name_en), name, _state(m, day)))
    return found


def scopes_in_force(numbers: Collection[str], day: dt.date) -> dict[str, dict[str, tuple[str, ...]]]:
    """Of each of these companies, the representatives in force on `day` (accepted, not revoked,
    within their dates) and the scopes each holds: one read whatever their number. Invited ones
    who have not accepted, and ended ones, are absent."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    if not numbers:
        return found
    rows = Mandate.objects.filter(
        kind=KIND,
        grantor_civil_id__in=list(numbers),
        accepted_at__isnull=False,
        revoked_at__isnull=True,
        valid_from__lte=day,
        valid_until__gte=day,
    ).values_list("grantor_civil_id", "attorney_civil_id", "scope")
    for number, civil_id, scope in rows.order_by("pk"):
        held = found.setdefault(number, {})
        held[civil_id] = (*held.get(civil_id, ()), scope)
    return found
