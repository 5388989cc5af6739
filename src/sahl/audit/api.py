"""Who looked at my data, in JSON: the same service as the page. Staff are named with their
agency, never by civil ID."""

import datetime as dt
from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from sahl.audit import labels, services
from sahl.core.api_schemas import Text
from sahl.core.languages import in_both
from sahl.identity.current import person_of

if TYPE_CHECKING:
    from sahl.audit.models import AuditEntry

router = Router(tags=["audit"], auth=django_auth)


class ReadOut(Schema):
    at: dt.datetime
    who: Text | None
    agency: Text | None
    data: str
    data_text: Text | None
    application: str
    purpose: str
    basis: str  # attorney or guardian when a person acting for me read it; empty for agencies
    basis_text: Text | None


class SecurityOut(Schema):
    at: dt.datetime
    kind: str
    kind_text: Text
    source: str


class AccessLogOut(Schema):
    reads: list[ReadOut]
    security: list[SecurityOut]


def _text(ar: str, en: str) -> Text | None:
    return Text(ar=ar, en=en) if ar or en else None


def _read(e: "AuditEntry") -> ReadOut:
    label = labels.DATA.get(e.data)
    basis = labels.BASES.get(e.detail)
    return ReadOut(
        at=e.at,
        who=_text(e.actor_name_ar, e.actor_name_en),
        agency=_text(e.agency.name_ar, e.agency.name_en) if e.agency else None,
        data=e.data,
        data_text=Text(**in_both(label)) if label is not None else None,
        application=e.application_reference,
        purpose=e.purpose,
        basis=e.detail if basis is not None else "",
        basis_text=Text(**in_both(basis)) if basis is not None else None,
    )


def _security(e: "AuditEntry") -> SecurityOut:
    return SecurityOut(at=e.at, kind=e.kind, kind_text=Text(**in_both(labels.KINDS[e.kind])), source=e.source)


@router.get(
    "/me/access-log",
    response=AccessLogOut,
    summary="Who looked at my data, and my account's security events (newest first)",
    description="Every read of my data by anyone but me (staff, with their agency, and agency systems), "
    "with the application and the purpose given; then logins, failed logins and logouts of my account.",
)
def get_access_log(request: HttpRequest) -> AccessLogOut:
    found = services.access_log(person_of(request))
    return AccessLogOut(
        reads=[_read(e) for e in found.reads], security=[_security(e) for e in found.security]
    )
