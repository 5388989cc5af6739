"""The application as an agency's system reads it: the same document in a delivery's body
(docs/agency-api.md, section 1) and in the inbound API's answers (section 3)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from sahl.applications.models import Application
from sahl.registry.adapters import registers


def attachment_url(reference: str, attachment_id: int) -> str:
    return f"{settings.SAHL_PUBLIC_URL}/api/v1/agency/applications/{reference}/attachments/{attachment_id}"


def application_document(application: Application) -> dict[str, Any]:
    """The `application` object of a delivery. Load `service`, `version`, `applicant` and prefetch
    `parties` and `attachments` first (`with_document_relations`); the subject's name is read from
    the population register (one query)."""
    subject = registers().person(application.subject_civil_id)
    return {
        "reference": application.reference,
        "service": application.service.code,
        "service_version": application.version.number,
        "submitted_at": timezone.localtime(application.submitted_at).isoformat(timespec="seconds")
        if application.submitted_at
        else None,  # Kuwait time, e.g. 2026-12-01T10:14:58+03:00
        "due_on": application.due_on.isoformat() if application.due_on else None,
        "subject": {
            "civil_id": application.subject_civil_id,
            "name": subject.name.as_dict() if subject else None,
        },
        "applicant": {
            "civil_id": application.applicant.civil_id,
            "name": {"ar": application.applicant.name_ar, "en": application.applicant.name_en},
        },
        "answers": application.form_data,
        "parties": [
            {"role": p.role, "civil_id": p.civil_id, "consent": p.consent} for p in application.parties.all()
        ],
        "attachments": [
            {
                "id": a.pk,
                "document": a.document_code,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "url": attachment_url(application.reference, a.pk),
            }
            for a in application.attachments.all()
        ],
    }


def with_document_relations(applications: QuerySet[Application]) -> QuerySet[Application]:
    """A queryset of applications with what `application_document` reads, in a fixed number of queries."""
    return applications.select_related("service", "version", "applicant", "agency").prefetch_related(
        "parties", "attachments"
    )
