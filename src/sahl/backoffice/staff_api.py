"""An agency administrator's staff in JSON, through the same use case as the staff page
(identity.staff): list, appoint by civil ID, remove. The session only (with its CSRF token), never an
app's token: appointing staff is an administrator's own act."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from django.http import HttpRequest
from ninja import Field, P, PathEx, Router, Schema, Status
from ninja.security import django_auth

from sahl.core.api_schemas import Text, errors
from sahl.core.bounds import Id
from sahl.core.languages import in_both
from sahl.identity import staff
from sahl.identity.current import address_of, person_of

if TYPE_CHECKING:
    from sahl.identity.models import StaffMembership

router = Router(tags=["agency staff"], auth=django_auth)

TeamRole = Literal["caseworker", "supervisor"]


class MemberOut(Schema):
    id: int = Field(description="the membership's number, to remove it")
    name: Text
    role: str = Field(description="caseworker, supervisor or agency_admin")
    role_text: Text
    since: dt.datetime = Field(description="when the role was given")


class TeamOut(Schema):
    agency: str = Field(description="the agency's code")
    members: list[MemberOut]


class AppointIn(Schema):
    civil_id: str = Field(
        description="the person's civil ID: in the population register, with a Sahl account"
    )
    role: TeamRole = Field(description="the role to give (an operator appoints administrators)")


def _member(m: StaffMembership) -> MemberOut:
    return MemberOut(
        id=m.pk,
        name=Text(ar=m.user.name_ar, en=m.user.name_en),
        role=m.role,
        role_text=Text(**in_both(staff.Role(m.role).label)),
        since=m.since,
    )


MEMBERSHIP = P(description="the membership's number (`id` in the list)")


@router.get(
    "/backoffice/staff",
    response={200: TeamOut} | errors(404),
    summary="My agency's staff",
    description="The caseworkers, supervisors and administrators of the agency I administer, with "
    "their role and since when. Anyone but an agency administrator gets 404.",
)
def team(request: HttpRequest) -> TeamOut:
    agency, members = staff.team(person_of(request))
    return TeamOut(agency=agency.code, members=[_member(m) for m in members])


@router.post(
    "/backoffice/staff",
    response={201: MemberOut} | errors(400, 403, 404, 409),
    summary="Appoint a caseworker or a supervisor",
    description="Gives the person the role at my agency; a member of my agency changes role. The person "
    "must be in the population register and have an account (400 otherwise); 409 when they already "
    "have the role or work for another agency. The person is told in their inbox and sees it among "
    "their account's security events.",
)
def appoint(request: HttpRequest, body: AppointIn) -> Status[MemberOut]:
    done = staff.appoint(person_of(request), body.civil_id, body.role, address=address_of(request))
    return Status(201, _member(done))


@router.delete(
    "/backoffice/staff/{membership_id}",
    response={204: None} | errors(403, 404, 409),
    summary="Remove a member of my agency's staff",
    description="Ends the member's role: from their next request on they no longer see the agency's "
    "cases. Another agency's member answers 404; removing myself as the last administrator 409.",
)
def remove(request: HttpRequest, membership_id: PathEx[Id, MEMBERSHIP]) -> Status[None]:
    staff.remove(person_of(request), membership_id, address=address_of(request))
    return Status(204, None)
