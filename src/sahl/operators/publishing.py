"""The publishing queue (ADR 0061): definitions of services that agencies' administrators submitted,
each shown against the published version, published as the service's next version or returned
with a reason. Both are recorded in the audit log; the author is told (notifications)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from sahl.audit.services import append
from sahl.catalogue import drafts
from sahl.catalogue.models import ServiceDraft, ServiceVersion
from sahl.core.errors import NotFound
from sahl.identity.models import User


def _operator(user: User) -> None:
    if not user.is_staff:
        raise NotFound("page.not_found")


def waiting(operator: User) -> list[ServiceDraft]:
    _operator(operator)
    return drafts.queue()


@dataclass(frozen=True)
class Review:
    draft: ServiceDraft
    diff: list[drafts.DiffLine]


def review(operator: User, draft_id: int) -> Review:
    _operator(operator)
    draft = drafts.waiting(draft_id)
    return Review(draft, drafts.diff(draft))


def publish(operator: User, draft_id: int) -> ServiceVersion:
    _operator(operator)
    with transaction.atomic():
        version = drafts.publish(draft_id, operator.pk)
        append(
            "service_published",
            actor=operator,
            agency_id=version.service.agency_id,
            detail=f"{version.service.code} v{version.number}",
        )
    return version


def send_back(operator: User, draft_id: int, reason: str) -> ServiceDraft:
    _operator(operator)
    with transaction.atomic():
        draft = drafts.send_back(draft_id, operator.pk, reason)
        append(
            "service_returned", actor=operator, agency_id=draft.service.agency_id, detail=draft.service.code
        )
    return draft
