"""Acting for others in JSON: whom I may act for, the switch, my powers of attorney, revoking."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, P, PathEx, Router, Schema
from ninja.security import django_auth

from sahl.core.api_schemas import Text, errors
from sahl.core.bounds import Id
from sahl.core.languages import in_both
from sahl.identity.current import person_of
from sahl.mandates import current, services

router = Router(tags=["mandates"], auth=django_auth)


class PowerOut(Schema):
    subject: str
    name: Text
    basis: str  # self, guardian, attorney
    mandate: str | None  # the power of attorney's reference (the Ministry of Justice application)
    until: dt.date | None
    acting_now: bool


class ActingIn(Schema):
    subject: str = Field(description="the civil ID to act for (my own to act for myself again)")


class MandateOut(Schema):
    id: int
    reference: str
    other: Text  # the attorney for the grantor, the grantor for the attorney
    scope: str
    scope_text: Text
    valid_from: dt.date
    valid_until: dt.date
    in_force: bool
    revoked_at: dt.datetime | None


class MandatesOut(Schema):
    granted: list[MandateOut]
    received: list[MandateOut]


class RevokeIn(Schema):
    reason: str = Field("", description="why, kept with the revocation; the attorney is told")


def _power(power: services.Authority, chosen: str) -> PowerOut:
    mandate = power.mandate
    return PowerOut(
        subject=power.subject,
        name=Text(**power.subject_name.as_dict()),
        basis=str(power.basis),
        mandate=mandate.application_reference if mandate else None,
        until=mandate.valid_until if mandate else None,
        acting_now=power.subject == chosen,
    )


def _mandate(found: services.MandateView) -> MandateOut:
    m = found.mandate
    return MandateOut(
        id=m.pk,
        reference=m.application_reference,
        other=Text(**found.other_name.as_dict()),
        scope=m.scope,
        scope_text=Text(**in_both(found.scope_name)),
        valid_from=m.valid_from,
        valid_until=m.valid_until,
        in_force=found.in_force,
        revoked_at=m.revoked_at,
    )


@router.get(
    "/me/acting-as",
    response=list[PowerOut],
    summary="Everyone I may act for, and whom I act for now",
    description="Myself, my minor children (as their guardian) and those whose power of attorney I hold "
    "now, with its reference and end date; `acting_now` marks whom this session acts for.",
)
def powers(request: HttpRequest) -> list[PowerOut]:
    chosen = current.acting_of(request).subject
    return [_power(p, chosen) for p in services.powers_of(person_of(request))]


@router.put(
    "/me/acting-as",
    response={200: PowerOut} | errors(403),
    summary="Act for someone (or for myself again)",
    description="Checked again on every later request: when the mandate ends, the next request answers 403 "
    "and the session acts for the person themselves again. Refusals are in the subject's audit log.",
)
def switch(request: HttpRequest, body: ActingIn) -> PowerOut:
    power = current.switch(request, body.subject)
    return _power(power, power.subject)


@router.get(
    "/me/mandates",
    response=MandatesOut,
    summary="Powers of attorney I gave and hold",
    description="The powers of attorney I granted and those granted to me, each with its scope, dates, "
    "whether it is in force now, and when it was revoked.",
)
def mine(request: HttpRequest) -> MandatesOut:
    found = services.my_mandates(person_of(request))
    return MandatesOut(
        granted=[_mandate(m) for m in found.granted], received=[_mandate(m) for m in found.received]
    )


@router.post(
    "/me/mandates/{mandate_id}/revoke",
    response={200: MandateOut} | errors(404, 409),
    summary="Revoke a power of attorney I gave (effective at once)",
    description="The attorney can no longer act for me from their next request. 404 for a power of "
    "attorney I did not grant; 409 when it has already ended or been revoked.",
)
def revoke(
    request: HttpRequest,
    mandate_id: PathEx[Id, P(description="the power of attorney's `id` in my `granted` list")],
    body: RevokeIn,
) -> MandateOut:
    services.revoke(person_of(request), mandate_id, body.reason, address=current.client_address(request))
    found = services.my_mandates(person_of(request))
    return _mandate(next(m for m in found.granted if m.mandate.pk == mandate_id))
