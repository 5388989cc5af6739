"""An agency administrator's side of publishing services through review (ADR 0061): the agency's
services, one's definition to edit, its problems as it is typed, its preview, and its submission.
Another agency's service is not found; a caseworker or supervisor may not open these pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from sahl.audit.services import append
from sahl.backoffice.services import membership_of
from sahl.catalogue import drafts
from sahl.catalogue import services as catalogue
from sahl.catalogue.definition import DefinitionError, ServiceDefinition
from sahl.catalogue.models import Service, ServiceDraft
from sahl.core.errors import Forbidden, NotFound
from sahl.identity.models import StaffMembership

if TYPE_CHECKING:
    from sahl.identity.models import User


def administrator_of(user: User) -> StaffMembership:
    """The user's membership as the agency's administrator: 404 for someone who is not staff (as
    every back-office page), 403 for a caseworker or a supervisor."""
    membership = membership_of(user)
    if membership.role != StaffMembership.Role.AGENCY_ADMIN:
        raise Forbidden("request.forbidden")
    return membership


def agency_services(user: User) -> list[Service]:
    membership = administrator_of(user)
    return list(
        Service.objects.filter(agency_id=membership.agency_id, is_active=True)
        .select_related("category")
        .order_by("category__position", "name_en")
    )


def service_of(user: User, code: str) -> Service:
    """One of the administrator's agency's services; any other is not found."""
    membership = administrator_of(user)
    service = (
        Service.objects.filter(code=code[:80], agency_id=membership.agency_id, is_active=True)
        .select_related("agency", "category", "current_version")
        .first()
    )
    if service is None:
        raise NotFound("service.not_found")
    return service


@dataclass(frozen=True)
class Editing:
    service: Service
    text: str  # the open draft's, else the published version's
    draft: ServiceDraft | None
    returned: ServiceDraft | None  # the last decision, when it was a return (its reason is shown)


def editing(user: User, code: str) -> Editing:
    service = service_of(user, code)
    draft = drafts.open_draft(service)
    decided = drafts.latest_decided(service)
    returned = decided if decided and decided.state == ServiceDraft.State.RETURNED and draft is None else None
    text = draft.text if draft else returned.text if returned else drafts.published_text(service)
    return Editing(service, text, draft, returned)


def problems(user: User, code: str, text: str) -> list[DefinitionError]:
    return drafts.problems_in(service_of(user, code), text)


def preview(user: User, code: str, text: str) -> tuple[Service, ServiceDefinition]:
    """The draft as the service's page and form would show it: an unsaved service row made from it
    (never stored) and its definition. DefinitionError when it has problems."""
    service = service_of(user, code)
    definition = drafts.parse(service, text)
    shown = Service(code=service.code, pk=service.pk, **catalogue.summary_of(definition))
    return shown, definition


def save(user: User, code: str, text: str, *, submit: bool) -> ServiceDraft:
    """Keep the draft, or submit it for publishing (recorded in the audit log)."""
    membership = administrator_of(user)
    service = service_of(user, code)
    with transaction.atomic():
        draft = drafts.save(service, user.pk, text, submit=submit)
        if submit:
            append("service_submitted", actor=user, agency_id=membership.agency_id, detail=service.code)
    return draft
