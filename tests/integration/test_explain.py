"""Every hot query can be answered from an index: PostgreSQL's plan, with sequential scans priced
out, must not scan a big table (with 20 million applications a scan is seconds, not milliseconds).

With `enable_seqscan = off` the planner still scans when no index can serve the query, so a plan
with "Seq Scan on <big table>" means a missing index. Small tables (services, agencies) are
exempt: they stay small whatever the population.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import Q, QuerySet

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are checked on PostgreSQL"),
]

BIG_TABLES = {
    "applications_application",
    "backoffice_queueentry",
    "applications_applicationcard",
    "applications_applicationpage",
    "applications_historyevent",
    "applications_party",
    "applications_issueddocument",
    "applications_attachment",
    "applications_decision",
    "registry_person",
    "registry_vehicle",
    "registry_drivinglicence",
    "registry_passport",
    "notifications_message",
    "payments_paymentintent",
    "audit_auditentry",
    "identity_user",
    "wallet_credential",
    "complaints_complaint",
}


def scanned(plan: str) -> set[str]:
    """The big tables the plan reads whole: a sequential scan, or an index read from end to end
    (no Index Cond, what the planner falls back to when sequential scans are priced out)."""
    return whole_reads(json.loads(plan)[0]["Plan"]) & BIG_TABLES


def whole_reads(node: dict) -> set[str]:
    kind, table = node["Node Type"], node.get("Relation Name", "")
    whole = (
        {table} if kind == "Seq Scan" or (kind.startswith("Index") and "Index Cond" not in node) else set()
    )
    for child in node.get("Plans", []):
        whole |= whole_reads(child)
    return whole


def hot_queries(demo) -> dict[str, Callable[[], QuerySet]]:
    from sahl.applications import reading
    from sahl.applications.models import Application, ApplicationPage, HistoryEvent, IssuedDocument, Party
    from sahl.audit.models import AuditEntry
    from sahl.backoffice import services as backoffice
    from sahl.identity.models import User
    from sahl.notifications.models import Message
    from sahl.payments import services as payments
    from sahl.registry.adapters import DatabaseRegisters
    from sahl.registry.models import DrivingLicence, Person, Vehicle
    from sahl.wallet.models import Credential

    father = User.objects.get(civil_id=demo["father"])
    caseworker = User.objects.get(civil_id=demo["caseworker"])
    membership, everything = backoffice.membership_of(caseworker), backoffice.QueueFilter()
    any_application = Application.objects.order_by("pk").first()
    reference = any_application.reference if any_application else "SAHL-2026-000001"
    return {
        # The queries behind the person's pages, as the use cases build them (a page is a list).
        "my applications": lambda: reading._mine(father)[:20],
        "my applications, a later page": lambda: (
            reading._mine(father)
            .filter(created_at__lte="2026-12-01T10:00:00+03:00")
            .filter(
                Q(created_at__lt="2026-12-01T10:00:00+03:00")
                | Q(created_at="2026-12-01T10:00:00+03:00", application_id__lt=1000)
            )[:20]
        ),
        "application detail": lambda: reading._visible(father).filter(reference=reference),
        "application page": lambda: ApplicationPage.objects.filter(reference=reference),
        "payments of an application": lambda: payments._of_application(
            any_application.pk if any_application else 1
        ),
        # As wallet.revoking reads them when a company's licence is cancelled (in that transaction).
        "documents filed for a company": lambda: IssuedDocument.objects.filter(
            document="commercial_licence",
            application__in=Application.objects.filter(
                form_data__has_key="company", form_data__company="CR-100001"
            ).values("pk"),
        ),
        "documents a company holds": lambda: IssuedDocument.objects.filter(
            document="commercial_licence", holder_civil_id="CR-100001"
        ),
        "history": lambda: HistoryEvent.objects.filter(application__reference=reference).order_by("at", "pk"),
        "applications where I am a party": lambda: Party.objects.filter(
            civil_id=demo["father"], consent="pending"
        ),
        "draft of a service": lambda: Application.objects.filter(
            applicant=father, subject_civil_id=demo["father"], service_id=1, state="draft"
        ).order_by("-updated_at")[:1],
        "caseworker queue": lambda: backoffice._entries(caseworker, everything, membership)[:50],
        "caseworker queue, a later page": lambda: (
            backoffice._entries(caseworker, everything, membership)
            .filter(due_sort__gte="2026-12-10")
            .filter(Q(due_sort__gt="2026-12-10") | Q(submitted_at__gt="2026-12-01T10:00:00+03:00"))[:50]
        ),
        "caseworker queue, one service": lambda: backoffice._entries(
            caseworker, backoffice.QueueFilter(service="moi.passport-renewal"), membership
        )[:50],
        "caseworker queue, mine": lambda: backoffice._entries(
            caseworker, backoffice.QueueFilter(mine=True), membership
        )[:50],
        "my documents": lambda: IssuedDocument.objects.filter(holder_civil_id=demo["father"]).order_by(
            "-issued_on"
        ),
        "verify a document": lambda: IssuedDocument.objects.filter(verification_code="7KQ2-M9XD-4TPA"),
        "person by civil ID": lambda: Person.objects.filter(civil_id=demo["father"]),
        # As the registers read them for the personal home's "coming up" (a parent's minor children).
        "children of a person": lambda: DatabaseRegisters().children_query(demo["father"]),
        "vehicles of a person": lambda: Vehicle.objects.filter(owner__civil_id=demo["father"]),
        "vehicle by plate": lambda: Vehicle.objects.filter(plate="12-10001"),
        "licences of a person": lambda: DrivingLicence.objects.filter(holder__civil_id=demo["father"]),
        "inbox": lambda: Message.objects.filter(recipient=father).order_by("-created_at", "-pk")[:20],
        "unread messages": lambda: Message.objects.filter(recipient=father, read_at__isnull=True),
        "who looked at my data": lambda: AuditEntry.objects.filter(
            subject_civil_id=demo["father"], kind="data_read"
        ).order_by("-sequence")[:50],
        "login by civil ID": lambda: User.objects.filter(civil_id=demo["father"]),
        "credential status": lambda: Credential.objects.filter(status_list_id=1, status_index=5),
        "revoked credentials of a list": lambda: Credential.objects.filter(status_list_id=1).exclude(
            status=0
        ),
    }


def test_no_hot_query_scans_a_big_table(demo):
    plans, bad = {}, {}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    for name, query in hot_queries(demo).items():
        plans[name] = query().explain()
        whole = scanned(query().explain(format="json"))
        if whole:
            bad[name] = whole
    assert not bad, "\n\n".join(f"{name}: {tables}\n{plans[name]}" for name, tables in bad.items())
    # A person's applications are their cards, read in the order of the index that starts with the
    # civil ID (ADR 0042): no sort of all of them, and a later page starts at its cursor.
    for name in ("my applications", "my applications, a later page"):
        plan = plans[name]
        assert "cards_of_viewer" in plan and re.search(r"Index Cond: .*civil_id", plan), plan
        assert "Sort" not in plan, plan
    assert re.search(r"Index Cond: .*created_at", plans["my applications, a later page"])
    # One application through its unique reference or the civil ID, whichever the planner prices lower.
    detail = plans["application detail"]
    assert re.search(r"Index Cond: .*(subject_civil_id|reference\)::text = )", detail), detail
    # The application's page and API answer: its prepared row by the unique reference (ADR 0043).
    page = plans["application page"]
    assert re.search(r"Index Cond: \(+reference\)::text = ", page), page
    # The queue reads an agency's rows (ADR 0046) in due order from the index that serves its filter:
    # no sort of all of them, and the agency in the index condition.
    for name, index in (
        ("caseworker queue", "queue_by_due"),
        ("caseworker queue, a later page", "queue_by_due"),
        ("caseworker queue, one service", "queue_by_service"),
        ("caseworker queue, mine", "queue_by_assignee"),
    ):
        assert "Sort" not in plans[name] and index in plans[name], plans[name]
        assert re.search(r"Index Cond: .*agency_id = ", plans[name]), plans[name]
    # A later page starts in the index at its cursor's due date, not at the agency's first case.
    assert re.search(r"Index Cond: .*due_sort >=", plans["caseworker queue, a later page"])
