"""Issue 18, point 5: an automatic certificate completes at once, its PDF follows from a task. The
page and its documents fragment say it is being prepared, then give the link; a download asked too
early is told so in the person's language; the task writes once, and a failed render is retried
without the document being lost."""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from sahl.applications import rendering
from sahl.applications.models import Application, IssuedDocument
from sahl.events import tasks
from sahl.events.models import Event, Handling
from tests.integration.conftest import RENDERER, apply, documents_rendered, reference_of

pytestmark = pytest.mark.django_db
CERTIFICATE = "moh.child-vaccination-certificate"


def request_certificate(client) -> str:
    html = client.get(f"/services/{CERTIFICATE}/apply").content.decode()
    child = re.search(r'name="child_civil_id".*?<option value="(\d{12})"', html, re.S)
    assert child, "the father has no child to choose"
    answers = {"child_civil_id": child.group(1), "purpose": "school", "language": "ar"}
    return reference_of(apply(client, CERTIFICATE, answers))


def download_of(client, reference: str, document: IssuedDocument):
    return client.get(f"/applications/{reference}/documents/{document.pk}")


def test_the_certificate_is_issued_at_once_and_its_pdf_follows(login, demo):
    father = login(demo["father"])
    reference = request_certificate(father)

    # Completed in the request, its document issued with a verification code, its file not yet there.
    application = Application.objects.get(reference=reference)
    assert application.state == "completed"
    document = application.documents.get()
    assert not document.pdf and document.ready_at is None
    page = father.get(f"/applications/{reference}").content.decode()
    assert "نجهّز مستندك الآن" in page and 'aria-live="polite"' in page and "data-preparing" in page
    assert f"/applications/{reference}/documents/{document.pk}" not in page  # no link yet
    fragment = father.get(f"/applications/{reference}/documents")
    assert fragment.status_code == 200 and "data-preparing" in fragment.content.decode()

    # Asked for too early: a 409 that says so in Arabic, with when to ask again; never a 500.
    early = download_of(father, reference, document)
    assert early.status_code == 409 and early["Retry-After"] == str(rendering.RETRY_AFTER)
    assert "ما زلنا نجهّز مستندك" in early.content.decode()

    assert documents_rendered() == ["done"]

    fragment = father.get(f"/applications/{reference}/documents").content.decode()
    assert "data-preparing" not in fragment
    assert f'href="/applications/{reference}/documents/{document.pk}"' in fragment
    response = download_of(father, reference, document)
    pdf = b"".join(response.streaming_content)
    assert response.status_code == 200 and pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert document.verification_code in text and reference in text
    ready = Event.objects.get(type="document.ready")
    assert ready.payload == {"document_id": document.pk, "application_id": application.pk}
    document.refresh_from_db()
    assert document.ready_at is not None


def test_too_early_a_download_is_told_in_english_too_and_by_the_api(login, demo):
    father = login(demo["father"], "en")
    reference = request_certificate(father)
    document = Application.objects.get(reference=reference).documents.get()
    early = download_of(father, reference, document)
    assert early.status_code == 409
    assert "Your document is still being prepared" in early.content.decode()
    api = father.get(f"/api/v1/applications/{reference}/documents/{document.pk}")
    assert api.status_code == 409 and api.json()["code"] == "document.preparing"
    assert api["Retry-After"] == str(rendering.RETRY_AFTER)


def test_a_render_run_twice_writes_once(login, demo):
    father = login(demo["father"])
    reference = request_certificate(father)
    document = Application.objects.get(reference=reference).documents.get()

    assert rendering.render(document.pk) == "rendered"
    name = IssuedDocument.objects.get(pk=document.pk).pdf.name
    assert rendering.render(document.pk) == "done"  # the task run again (a worker that crashed, a replay)
    assert documents_rendered() == ["done"]  # and the event's own task
    assert IssuedDocument.objects.get(pk=document.pk).pdf.name == name
    assert Event.objects.filter(type="document.ready", subject=f"document:{document.pk}").count() == 1


def test_a_failed_render_is_retried_and_the_document_is_not_lost(login, demo, monkeypatch):
    father = login(demo["father"])
    reference = request_certificate(father)
    document = Application.objects.get(reference=reference).documents.get()
    handling = Handling.objects.get(subscriber=RENDERER, event__subject=f"document:{document.pk}")

    def broken(content):
        raise OSError("the disk is full")

    monkeypatch.setattr(rendering, "render_pdf", broken)
    assert tasks.run(handling.pk) == "failing"
    handling.refresh_from_db()
    assert handling.next_attempt_at is not None and handling.attempts == 1
    document.refresh_from_db()
    assert not document.pdf and document.ready_at is None  # still issued, still waiting for its file
    assert download_of(father, reference, document).status_code == 409

    monkeypatch.undo()
    Handling.objects.filter(pk=handling.pk).update(next_attempt_at=timezone.now())  # its retry is due
    assert tasks.run(handling.pk) == "done"
    response = download_of(father, reference, document)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_another_persons_documents_answer_404(login, demo):
    father = login(demo["father"])
    reference = request_certificate(father)
    document = Application.objects.get(reference=reference).documents.get()
    documents_rendered()
    stranger = login(demo["owner"])
    assert stranger.get(f"/applications/{reference}/documents").status_code == 404
    assert download_of(stranger, reference, document).status_code == 404
    assert stranger.get("/applications/2026-9999999/documents").status_code == 404


def test_the_pdf_is_queued_ahead_of_the_messages(login, demo):
    """The person waits for the PDF on the page; the inbox and e-mail can follow: the render's task
    runs first among those waiting, however many were queued before it, and a retry keeps it."""
    from django_tasks_db.models import DBTaskResult

    father = login(demo["father"])
    request_certificate(father)
    waiting = list(DBTaskResult.objects.ready())  # the worker's order: priority, then time
    # The render's handling has a task of its own; the messages' share one (ADR 0073).
    paths = [
        sorted(Handling.objects.filter(task_id=str(t.id)).values_list("subscriber", flat=True))
        for t in waiting
        if t.args_kwargs["args"]
    ]
    assert paths[0] == ["sahl.applications.rendering.document_issued"], paths
    assert len(paths) > 1 and waiting[0].priority == 10 and {t.priority for t in waiting[1:]} == {0}
    render = Handling.objects.get(subscriber="sahl.applications.rendering.document_issued")
    tasks.enqueue(render, timezone.now())  # as a retry, or the sweep for a lost task
    assert DBTaskResult.objects.get(id=render.task_id).priority == 10
