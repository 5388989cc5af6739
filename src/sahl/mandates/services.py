"""Use cases of mandates: the one decision about who may act for whom (`authorize`), the list a
person switches between, and granting and revoking powers of attorney.

Every page, API endpoint and back-office action that touches someone's data asks `authorize`.
Guardianship and company roles are read from the registers at each decision and powers of
attorney are read from the database at each decision, so a revoked or expired mandate stops the
very next request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sahl.audit import services as audit
from sahl.core.bilingual import BilingualText
from sahl.core.errors import Conflict, Forbidden, NotFound
from sahl.core.languages import Wording
from sahl.events.services import announce
from sahl.events.types import MandateGranted, MandateRevoked
from sahl.identity.kept import membership_of
from sahl.identity.models import User
from sahl.mandates import rules
from sahl.mandates.models import Mandate
from sahl.mandates.rules import Action, Basis
from sahl.registry.adapters import registers
from sahl.registry.companies import is_company_number

if TYPE_CHECKING:
    from sahl.catalogue.models import Service


def today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Authority:
    """Why `actor` may act for `subject` (a civil ID, or a company's number): the answer of
    `authorize`, and what a request acting for someone carries."""

    actor: User
    subject: str
    basis: Basis
    subject_name: BilingualText
    mandate: Mandate | None = None
    scopes: tuple[str, ...] = ()  # an attorney's: what the powers of attorney in force reach
    until: dt.date | None = None  # the last day it holds by the clock alone (a minor's, a mandate's)

    @property
    def is_self(self) -> bool:
        return self.basis is Basis.SELF

    @property
    def is_company(self) -> bool:
        return self.basis in (Basis.SIGNATORY, Basis.DELEGATE)

    @property
    def limited(self) -> bool:
        """Whether it reaches only some services (an attorney's or a representative's scopes)."""
        return self.basis in (Basis.ATTORNEY, Basis.DELEGATE)

    def reaches(self, category: str) -> bool:
        """Whether this basis lets the actor touch services of a catalogue category."""
        if self.basis is Basis.DELEGATE:
            return rules.delegate_may(self.scopes, Action.VIEW, category)
        return self.basis is not Basis.ATTORNEY or any(rules.covers(s, category) for s in self.scopes)

    def allows(self, action: str, category: str | None = None) -> bool:
        """Whether the basis lets the actor do `action` (a representative's scopes name theirs)."""
        return self.basis is not Basis.DELEGATE or rules.delegate_may(self.scopes, action, category)


def oneself(user: User) -> Authority:
    return Authority(user, user.civil_id, Basis.SELF, BilingualText(user.name_ar, user.name_en))


def authorize(
    actor: User, subject: str, service: Service | None, action: str, *, address: str = ""
) -> Authority:
    """May `actor` do `action` for `subject` on `service` (None: in general)? Returns the basis, or
    records the refusal in the subject's audit log and raises Forbidden."""
    if action in rules.STAFF_ACTIONS:
        return _as_staff(actor, subject, service, action, address)
    if subject == actor.civil_id:
        return oneself(actor)
    if service is not None and service.code in rules.PERSONAL_SERVICES:
        _refuse(actor, subject, service, action, address, Forbidden("mandate.personal"))
    day = today()
    if is_company_number(subject):
        found = _as_signatory(actor, subject) or _as_delegate(actor, subject, day)
    else:
        found = _as_guardian(actor, subject, day) or _as_attorney(actor, subject, service, day)
    if found is None:
        _refuse(actor, subject, service, action, address, Forbidden("mandate.refused"))
    assert found is not None
    refused = refusal_for(found, service) if service is not None else None
    if refused is None and not found.allows(action, service.category.code if service else None):
        refused = Forbidden("mandate.delegate_scope", name=found.subject_name, scopes=_scope_names(found))
    if refused is not None:
        _refuse(actor, subject, service, action, address, refused)
    return found


def refusal_for(authority: Authority, service: Service) -> Forbidden | None:
    """Why this authority does not reach `service`, from what it carries (no query, nothing
    recorded): what `authorize` refuses for, so a page can say it before the person starts."""
    if authority.is_self or authority.basis is Basis.STAFF:
        return None
    if service.code in rules.PERSONAL_SERVICES:
        return Forbidden("mandate.personal")
    if authority.basis is Basis.DELEGATE and not authority.reaches(service.category.code):
        return Forbidden(
            "mandate.delegate_scope", name=authority.subject_name, scopes=_scope_names(authority)
        )
    if not authority.reaches(service.category.code):
        names = [rules.SCOPES[s].name for s in authority.scopes if s in rules.SCOPES]
        return Forbidden("mandate.scope", name=authority.subject_name, scopes=_listed(names))
    return None


def _scope_names(authority: Authority) -> Any:
    table: dict[str, Any] = rules.DELEGATE_SCOPES if authority.basis is Basis.DELEGATE else rules.SCOPES
    return _listed([table[s].name for s in authority.scopes if s in table])


def _listed(names: list[Any]) -> Any:
    """Names of scopes as one phrase in the language it is read in ("Vehicles, Courts")."""
    return lazy(lambda: str(pgettext_lazy("list separator", ", ")).join(str(n) for n in names), str)()


def _refuse(
    actor: User, subject: str, service: Service | None, action: str, address: str, refusal: Forbidden
) -> None:
    audit.append(
        audit.Kind.ACCESS_REFUSED,
        actor=actor,
        subject_civil_id=subject,
        address=address,
        detail=f"{action} {service.code if service else ''}".strip(),
    )
    raise refusal


def _as_staff(actor: User, subject: str, service: Service | None, action: str, address: str) -> Authority:
    membership = membership_of(actor)  # kept with a logged-in request's user (identity.kept)
    if membership is None or service is None or membership.agency_id != service.agency_id:
        # Another agency's case does not exist for this caseworker.
        raise NotFound("application.not_found")
    return Authority(actor, subject, Basis.STAFF, BilingualText(subject, subject))  # named by ID only


def _as_guardian(actor: User, subject: str, day: dt.date) -> Authority | None:
    child = registers().person(subject)
    if child is None or actor.civil_id not in (child.father_civil_id, child.mother_civil_id):
        return None
    if not rules.is_minor(child.birth_date, day):
        return None
    return Authority(actor, subject, Basis.GUARDIAN, child.name, until=rules.last_minor_day(child.birth_date))


def _in_force(attorney: str, day: dt.date, kind: str = Mandate.Kind.POWER_OF_ATTORNEY) -> Any:
    found = Mandate.objects.filter(
        kind=kind,
        attorney_civil_id=attorney,
        revoked_at__isnull=True,
        valid_from__lte=day,
        valid_until__gte=day,
    )
    # A power of attorney was accepted on its application before it was issued; a representative
    # accepts in Sahl, and the role holds only from then.
    return found.filter(accepted_at__isnull=False) if kind == Mandate.Kind.COMPANY_DELEGATE else found


def _as_attorney(actor: User, subject: str, service: Service | None, day: dt.date) -> Authority | None:
    mandates = list(_in_force(actor.civil_id, day).filter(grantor_civil_id=subject).order_by("pk"))
    if not mandates:
        return None
    until = min(m.valid_until for m in mandates)  # then the scopes may change
    if service is not None:  # the one used is one that covers it; with none, `refusal_for` says so
        category = service.category.code
        mandates = [m for m in mandates if rules.covers(m.scope, category)] or mandates
    grantor = registers().person(subject)
    name = grantor.name if grantor else BilingualText(subject, subject)
    general = next((m for m in mandates if m.scope == "general"), mandates[0])
    return Authority(
        actor, subject, Basis.ATTORNEY, name, general, tuple(sorted({m.scope for m in mandates})), until
    )


def _as_signatory(actor: User, subject: str) -> Authority | None:
    for company in registers().companies(actor.civil_id):
        if company.number == subject and company.role in rules.COMPANY_ROLES_THAT_SIGN:
            return Authority(actor, subject, Basis.SIGNATORY, company.name)
    return None


def _as_delegate(actor: User, subject: str, day: dt.date) -> Authority | None:
    """A company's representative: the scopes of every delegation in force joined."""
    found = list(
        _in_force(actor.civil_id, day, Mandate.Kind.COMPANY_DELEGATE)
        .filter(grantor_civil_id=subject)
        .order_by("pk")
    )
    if not found:
        return None
    company = registers().company(subject)
    name = company.name if company else BilingualText(subject, subject)
    until = min(m.valid_until for m in found)
    scopes = tuple(sorted({m.scope for m in found}))
    return Authority(actor, subject, Basis.DELEGATE, name, found[0], scopes, until)


def asks_reauthentication(service_code: str) -> bool:
    """Sensitive services (granting powers to act for you) need the password typed again."""
    return service_code in rules.PERSONAL_SERVICES


def acting_for(actor: User, subject: str, *, address: str = "") -> Authority:
    """The portal switches to act for `subject` (checked again on every request)."""
    return authorize(actor, subject, None, Action.ACT_AS, address=address)


def powers_of(actor: User) -> list[Authority]:
    """Everyone the person may act for: themselves, their minor children, their grantors."""
    day = today()
    found = [oneself(actor)]
    for child in registers().children(actor.civil_id):
        if rules.is_minor(child.birth_date, day):
            found.append(Authority(actor, child.civil_id, Basis.GUARDIAN, child.name))
    grantors = sorted({m.grantor_civil_id for m in _in_force(actor.civil_id, day)})
    for grantor in grantors:
        authority = _as_attorney(actor, grantor, None, day)
        if authority is not None:
            found.append(authority)
    for company in registers().companies(actor.civil_id):
        if company.role in rules.COMPANY_ROLES_THAT_SIGN:
            found.append(Authority(actor, company.number, Basis.SIGNATORY, company.name))
    delegating = sorted(
        {m.grantor_civil_id for m in _in_force(actor.civil_id, day, Mandate.Kind.COMPANY_DELEGATE)}
        - {a.subject for a in found}
    )
    for number in delegating:
        delegate = _as_delegate(actor, number, day)
        if delegate is not None:
            found.append(delegate)
    return found


def reach(authority: Authority, field: str) -> Q:
    """A filter on a catalogue category code (`field`) for what the authority reaches."""
    if authority.basis is Basis.DELEGATE:
        scopes = [rules.DELEGATE_SCOPES[s] for s in authority.scopes if s in rules.DELEGATE_SCOPES]
        if any(s.categories is None for s in scopes):
            return Q()
        return Q(**{f"{field}__in": sorted({c for s in scopes for c in s.categories or ()})})
    if authority.basis is not Basis.ATTORNEY:
        return Q()
    reached = Q(pk__in=[])
    for scope in authority.scopes:
        found = rules.SCOPES[scope]
        if found.categories is None:
            reached |= ~Q(**{f"{field}__in": sorted(found.excluded)})
        else:
            reached |= Q(**{f"{field}__in": sorted(found.categories)})
    return reached


def record_use(authority: Authority, data: str, *, reference: str = "", agency_id: int | None = None) -> None:
    """Someone acting for another person read their data: it goes to that person's access log
    (nothing is recorded when people read their own)."""
    if authority.is_self or authority.basis is Basis.STAFF:
        return
    audit.append(
        audit.Kind.DATA_READ,
        actor=authority.actor,
        subject_civil_id=authority.subject,
        agency_id=agency_id,
        application_reference=reference,
        data=data,
        purpose=authority.mandate.application_reference if authority.mandate else "",
        detail=str(authority.basis),
    )


# --- Powers of attorney -------------------------------------------------------------------------


def check_power_of_attorney(answers: dict[str, Any]) -> str | None:
    """The error code for a power of attorney's answers, or None when they can be granted."""
    start, end = rules.parse_date(answers.get("start_date")), rules.parse_date(answers.get("end_date"))
    if start is None or end is None or not rules.dates_acceptable(start, end, today()):
        return "mandate.dates"
    if answers.get("scope") not in rules.SCOPES:
        return "mandate.dates"
    return None


# What granting changed, for the application's history.
GRANTED = _("Power of attorney issued ({scope}) from {start} to {end}")


def grant_power_of_attorney(reference: str, grantor: str, answers: dict[str, Any]) -> tuple[Wording, Mandate]:
    """The Ministry of Justice issued the power of attorney (its application completed): it is in
    force from its start date. Idempotent on the application. Says what changed, and gives the
    mandate (its last day is the end of the document that certifies it)."""
    start, end = rules.parse_date(answers["start_date"]), rules.parse_date(answers["end_date"])
    assert start is not None and end is not None
    mandate, created = Mandate.objects.get_or_create(
        application_reference=reference,
        defaults={
            "grantor_civil_id": grantor,
            "attorney_civil_id": str(answers["attorney_civil_id"]),
            "scope": str(answers["scope"]),
            "valid_from": start,
            "valid_until": end,
            "granted_at": timezone.now(),
            "accepted_at": timezone.now(),  # the attorney consented on the application
        },
    )
    if created:
        announce(MandateGranted(mandate_id=mandate.pk, application_reference=reference))
        for whose in (mandate.grantor_civil_id, mandate.attorney_civil_id):
            audit.append(
                audit.Kind.MANDATE_GRANTED,
                subject_civil_id=whose,
                application_reference=reference,
                detail=f"{mandate.scope} {start.isoformat()}..{end.isoformat()}",
            )
    scope = rules.SCOPES[mandate.scope].name
    return format_lazy(GRANTED, scope=scope, start=start.isoformat(), end=end.isoformat()), mandate


@dataclass(frozen=True)
class MandateView:
    mandate: Mandate
    other_name: BilingualText  # the attorney's name for the grantor, the grantor's for the attorney
    scope_name: Wording
    in_force: bool
    ended: bool


@dataclass(frozen=True)
class MyMandates:
    granted: list[MandateView]  # by me to others
    received: list[MandateView]  # from others to me


def my_mandates(user: User) -> MyMandates:
    day = today()
    powers = Mandate.objects.filter(kind=Mandate.Kind.POWER_OF_ATTORNEY)
    granted = powers.filter(grantor_civil_id=user.civil_id).order_by("-granted_at")
    received = powers.filter(attorney_civil_id=user.civil_id).order_by("-granted_at")

    def view(mandate: Mandate, other: str) -> MandateView:
        person = registers().person(other)
        ended = mandate.revoked_at is not None or mandate.valid_until < day
        return MandateView(
            mandate,
            person.name if person else BilingualText(other, other),
            rules.SCOPES[mandate.scope].name
            if mandate.scope in rules.SCOPES
            else BilingualText(mandate.scope, mandate.scope),
            rules.in_force(mandate.valid_from, mandate.valid_until, mandate.revoked_at is not None, day),
            ended,
        )

    return MyMandates(
        [view(m, m.attorney_civil_id) for m in granted[:100]],
        [view(m, m.grantor_civil_id) for m in received[:100]],
    )


def revoke(grantor: User, mandate_id: int, reason: str = "", *, address: str = "") -> Mandate:
    """The grantor ends a power of attorney, with effect from the attorney's next request."""
    with transaction.atomic():
        mandate = (
            Mandate.objects.select_for_update()
            .filter(pk=mandate_id, grantor_civil_id=grantor.civil_id, kind=Mandate.Kind.POWER_OF_ATTORNEY)
            .first()
        )
        if mandate is None:
            raise NotFound("mandate.not_found")
        if mandate.revoked_at is not None or mandate.valid_until < today():
            raise Conflict("mandate.already_ended")
        mandate.revoked_at = timezone.now()
        mandate.revoked_by_civil_id = grantor.civil_id
        mandate.revoke_reason = reason.strip()[:300]
        mandate.save(update_fields=["revoked_at", "revoked_by_civil_id", "revoke_reason"])
        announce(MandateRevoked(mandate_id=mandate.pk, application_reference=mandate.application_reference))
        for whose in (mandate.grantor_civil_id, mandate.attorney_civil_id):
            audit.append(
                audit.Kind.MANDATE_REVOKED,
                actor=grantor,
                subject_civil_id=whose,
                application_reference=mandate.application_reference,
                address=address,
            )
    return mandate
