"""The audit log's section of "My data": every entry about the person, reads of their data and their
security events (core.personal_data; contributed from `AuditConfig.ready`)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from pydantic import with_config
from typing_extensions import TypedDict

from sahl.audit import labels
from sahl.audit.models import AuditEntry
from sahl.core.personal_data import STRICT, AgencyRef, Contribution, Person, Text, bilingual, text


@with_config(STRICT)
class AuditRow(TypedDict):
    """An entry of the audit log about you: a read of your data, or a security event."""

    sequence: int
    at: dt.datetime
    kind: str
    kind_text: Text
    by_you: bool
    who: Text | None  # the staff member or system, as shown in "who looked at my data"
    agency: AgencyRef | None
    application: str
    data: str
    purpose: str
    source: str  # the network, never the full address
    detail: str


def audit_entries(person: Person) -> list[AuditRow]:
    """Every audit entry about the person: reads of their data and their security events (1 query).
    Staff appear by name and agency, never by civil ID."""
    found = AuditEntry.objects.filter(subject_civil_id=person.civil_id).select_related("agency")
    return [
        {
            "sequence": e.sequence,
            "at": e.at,
            "kind": e.kind,
            "kind_text": bilingual(labels.KINDS.get(e.kind, e.kind)),
            "by_you": e.actor_civil_id == person.civil_id,
            "who": text(e.actor_name_ar, e.actor_name_en) if e.actor_name_ar or e.actor_name_en else None,
            "agency": {"code": e.agency.code, "name": bilingual(e.agency.name)} if e.agency else None,
            "application": e.application_reference,
            "data": e.data,
            "purpose": e.purpose,
            "source": e.source,
            "detail": e.detail,
        }
        for e in found.order_by("sequence")
    ]


AUDIT: Contribution[list[AuditRow]] = Contribution(
    key="audit",
    summary=_("Who looked at your data, and your account's security events."),
    gather=audit_entries,
)
