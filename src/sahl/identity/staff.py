"""Appointing and removing agency staff (ADR 0058): an operator names an agency's administrators,
an administrator the caseworkers and supervisors of their own agency, a deployment script anyone
(the appoint_staff command). People are named by civil ID: they must be in the population register
and have an account. Each change is told to the audit log (identity.signals: the person sees it
among their security events) and announced (the person gets an inbox message); the person's kept
login is forgotten with the membership row (identity.receivers), so it counts on their next request.

Another agency's member, or the staff pages of someone who appoints nobody, answer NotFound."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sahl.catalogue.models import Agency
from sahl.core.civil_id import CivilId
from sahl.core.errors import BadInput, Conflict, Forbidden, NotFound
from sahl.events.services import announce
from sahl.events.types import StaffAppointed, StaffRemoved
from sahl.identity import kept, rules, signals
from sahl.identity.models import StaffMembership, User
from sahl.registry.adapters import registers

Role = StaffMembership.Role
ROLE_NAMES = dict(Role.choices)  # lazy: read in the page's language
TEAM_ROLES = [
    (value, label) for value, label in Role.choices if value != rules.ADMIN
]  # an administrator's to give
SYSTEM = rules.Appointer(system=True)  # a deployment script: whoever runs manage.py


def appointer_of(user: User | None) -> rules.Appointer:
    """What the person may appoint: from their staff membership (kept with a logged-in request's
    user: no query) and whether they are an operator. None is a deployment script."""
    if user is None:
        return SYSTEM
    membership = kept.membership_of(user)
    administers = membership.agency_id if membership and membership.role == rules.ADMIN else None
    return rules.Appointer(operator=user.is_staff, administers=administers)


def _appointer(user: User | None) -> rules.Appointer:
    appointer = appointer_of(user)
    if not appointer.appoints_at_all:
        raise NotFound("page.not_found")  # the staff pages do not exist for them
    return appointer


def _agency(appointer: rules.Appointer, agency_code: str) -> Agency:
    """The agency to appoint at: the one an operator or a script names by its code, else an
    administrator's own (an administrator cannot name another)."""
    code = agency_code.strip()
    if code and (appointer.operator or appointer.system):
        found = Agency.objects.filter(code=code).first()
        if found is None:
            raise BadInput("staff.agency_unknown")
        return found
    if appointer.administers is not None:
        return Agency.objects.get(pk=appointer.administers)
    raise BadInput("staff.agency_unknown")


def team(user: User | None, agency_code: str = "") -> tuple[Agency, list[StaffMembership]]:
    """The staff of the agency the person administers (an operator or a script: the agency named),
    by role then name. Two queries."""
    appointer = _appointer(user)
    if not agency_code and appointer.administers is None:
        raise NotFound("page.not_found")  # an operator's own page is the administrators'
    agency = _agency(appointer, agency_code)
    members = StaffMembership.objects.filter(agency=agency).select_related("user")
    return agency, list(members.order_by("role", "user__name_en", "pk"))


def administrators(operator: User) -> list[StaffMembership]:
    """Every agency's administrators, for the operators' page. One query."""
    if not _appointer(operator).operator:
        raise NotFound("page.not_found")
    found = StaffMembership.objects.filter(role=rules.ADMIN).select_related("user", "agency")
    return list(found.order_by("agency__position", "agency__code", "user__name_en", "pk"))


def agencies() -> QuerySet[Agency]:
    return Agency.objects.order_by("position", "code")


def _person(civil_id: str) -> User:
    """The account of the person with this civil ID, who must be in the population register."""
    number = CivilId.parse(civil_id).value  # a malformed number is a bad input of its own
    if registers().person(number) is None:
        raise BadInput("staff.person_unknown")
    user = User.objects.filter(civil_id=number, is_active=True).first()
    if user is None:
        raise BadInput("staff.no_account")
    return user


def appoint(
    user: User | None, civil_id: str, role: str, agency_code: str = "", address: str = ""
) -> StaffMembership:
    """Give the person with `civil_id` the role at the agency (an administrator's own, or the one
    named by `agency_code`); a member of that agency changes role. One membership per person: staff
    of another agency must be removed there first."""
    appointer = _appointer(user)
    if role not in Role.values:
        raise BadInput("staff.role_invalid")
    agency = _agency(appointer, agency_code)
    if not rules.may_give(appointer, agency.pk, role):
        raise Forbidden("staff.role_not_allowed")
    person = _person(civil_id)
    with transaction.atomic():
        # The person's row, locked: two appointments of one person wait for each other.
        User.objects.select_for_update().filter(pk=person.pk).first()
        current = StaffMembership.objects.filter(user=person).first()
        previous = ""
        if current is not None:
            if current.agency_id != agency.pk:
                raise Conflict("staff.other_agency")
            if current.role == role:
                raise Conflict("staff.already", role=Role(role).label)
            if not rules.may_change(appointer, agency.pk, role, current.role):
                raise Forbidden("staff.role_not_allowed")
            _keep_an_admin(user, agency, current, oneself=person.pk == getattr(user, "pk", None))
            previous = current.role
            current.role, current.since = role, timezone.now()
            current.save(update_fields=["role", "since"])  # post_save forgets the kept login
            membership = current
        else:
            membership = StaffMembership.objects.create(user=person, agency=agency, role=role)
        signals.staff_appointed.send(
            sender=StaffMembership,
            user=person,
            agency=agency,
            role=role,
            previous_role=previous,
            actor=user,
            address=address,
        )
        announce(StaffAppointed(user_id=person.pk, agency_id=agency.pk, role=role, previous_role=previous))
    return membership


def _keep_an_admin(user: User | None, agency: Agency, member: StaffMembership, oneself: bool) -> None:
    if member.role != rules.ADMIN:
        return
    admins = StaffMembership.objects.filter(agency=agency, role=rules.ADMIN).count()
    if rules.leaves_no_admin(member.role, oneself, admins):
        raise Conflict("staff.last_admin")


def member(user: User | None, membership_id: int) -> StaffMembership:
    """One member the person may see: of the agency they administer, or (an operator) any agency's
    administrator. Anything else answers NotFound, as if it did not exist."""
    appointer = _appointer(user)
    found = StaffMembership.objects.select_related("user", "agency").filter(pk=membership_id).first()
    if found is None or not _sees(appointer, found):
        raise NotFound("staff.not_found")
    return found


def _sees(appointer: rules.Appointer, found: StaffMembership) -> bool:
    return (
        appointer.system
        or appointer.administers == found.agency_id
        or (appointer.operator and found.role == rules.ADMIN)
    )


def remove(user: User | None, membership_id: int, address: str = "") -> StaffMembership:
    """End a member's role. Their next request no longer finds a membership (the kept login is
    forgotten as the row goes). Returns the removed row (no longer saved)."""
    appointer = _appointer(user)
    with transaction.atomic():
        found = member(user, membership_id)
        StaffMembership.objects.select_for_update().filter(pk=found.pk).first()
        oneself = found.user_id == getattr(user, "pk", None)
        if not rules.may_remove(appointer, found.agency_id, found.role, oneself):
            raise Forbidden("staff.role_not_allowed")
        _keep_an_admin(user, found.agency, found, oneself)
        person, agency, role = found.user, found.agency, found.role
        found.delete()  # post_delete forgets the kept login: refused on the next request
        signals.staff_removed.send(
            sender=StaffMembership, user=person, agency=agency, role=role, actor=user, address=address
        )
        announce(StaffRemoved(user_id=person.pk, agency_id=agency.pk, role=role))
    return found


def membership_by_civil_id(civil_id: str, agency_code: str) -> StaffMembership:
    """For the deployment command: the member of the agency with this civil ID."""
    number = CivilId.parse(civil_id).value
    found = StaffMembership.objects.filter(user__civil_id=number, agency__code=agency_code).first()
    if found is None:
        raise NotFound("staff.not_found")
    return found


def field_of(code: str) -> str:
    """Which input of an appointment an error is about ("" for the form as a whole), so a page can
    show it beside that field."""
    if code.startswith("civil_id.") or code in (
        "staff.person_unknown",
        "staff.no_account",
        "staff.other_agency",
        "staff.already",
    ):
        return "civil_id"
    return {"staff.role_invalid": "role", "staff.agency_unknown": "agency"}.get(code, "")
