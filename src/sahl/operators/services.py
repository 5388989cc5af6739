"""The operators' use cases: only the platform's operators (staff) see the outbox, the event
backbone's troubles and the audit log's signed checkpoints; for anyone else the pages do not exist."""

from __future__ import annotations

from sahl.audit import services as audit
from sahl.core.errors import NotFound
from sahl.events import services as backbone
from sahl.events.models import Handling
from sahl.identity.models import User
from sahl.outbox import services as outbox
from sahl.outbox.models import Delivery


def _operator(user: User) -> None:
    if not user.is_staff:
        raise NotFound("page.not_found")


def destinations(operator: User) -> list[str]:
    return outbox.destinations() if operator.is_staff else []


def deliveries(operator: User, filters: outbox.Filters) -> list[Delivery]:
    _operator(operator)
    return outbox.deliveries(filters)


def send_again(operator: User, delivery_id: int) -> Delivery:
    _operator(operator)
    return outbox.send_again(delivery_id, by=operator.pk)


def troubled(operator: User) -> list[Handling]:
    _operator(operator)
    return backbone.troubled()


def retry(operator: User, handling_id: int) -> Handling:
    _operator(operator)
    return backbone.retry(handling_id)


def audit_checkpoints(operator: User) -> audit.CheckpointStatus:
    _operator(operator)
    return audit.checkpoint_status()
