"""The operators' use cases: only the platform's operators (staff) see the outbox, the event
backbone's troubles and the audit log's signed checkpoints, and their home page that counts what
needs attention on each; for anyone else the pages do not exist."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from sahl.audit import services as audit
from sahl.catalogue import drafts
from sahl.catalogue.models import Agency
from sahl.core.errors import NotFound
from sahl.events import services as backbone
from sahl.events.models import Handling
from sahl.identity.models import StaffMembership, User
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


# What an operator is asked to look at in the outbox: not sent, and not merely waiting its turn.
_TROUBLED_DELIVERIES = (Delivery.State.RETRYING, Delivery.State.FAILED, Delivery.State.UNCERTAIN)


@dataclass(frozen=True)
class Attention:
    """The operators' home: how many things wait for an operator on each page. Four reads, by
    index, whatever the size of the tables (the outbox's (state, ...) index, the handlings' (state,
    ...) index, the audit log's head row, the drafts' (state, ...) index), plus the tail of the
    checkpoint file."""

    deliveries: int  # every channel: retrying, failed permanently, uncertain
    agency_deliveries: int  # the same, to agencies' systems
    refunds: int  # the same, refunds the gateway has not taken
    events: int  # subscribers failing or given up
    audit_since: int  # audit entries written since the last signed checkpoint
    without_admin: int = 0  # agencies with no administrator to appoint their staff (identity.staff)
    drafts: int = 0  # service definitions waiting in the publishing queue


def attention(operator: User) -> Attention:
    _operator(operator)
    by_channel = dict(
        Delivery.objects.filter(state__in=_TROUBLED_DELIVERIES)
        .values_list("channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    events = Handling.objects.filter(state__in=(Handling.State.FAILING, Handling.State.GAVE_UP)).count()
    return Attention(
        deliveries=sum(by_channel.values()),
        agency_deliveries=by_channel.get("agency", 0),
        refunds=by_channel.get("refund", 0),
        events=events,
        audit_since=audit.checkpoint_status().since,
        without_admin=Agency.objects.exclude(staff__role=StaffMembership.Role.AGENCY_ADMIN).count(),
        drafts=drafts.waiting_count(),
    )
