"""The prepared pages rebuilt by PostgreSQL (applications.pages_in_sql) are the rows Python writes,
key for key, for applications with everything a page shows: an open request then its answer and
attachment, an approval by a caseworker with its document and a handover to collect or by
courier, a sale with a party, a renewal by an attorney, moments with and without a fraction of a
second. PostgreSQL only (elsewhere the rebuild is Python's)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from sahl.applications import pages, pages_in_sql
from sahl.applications.models import Application, InfoRequest
from sahl.registry.models import Passport, Vehicle
from tests.integration.conftest import apply, documents_rendered, paid, reference_of
from tests.integration.test_mandates import act_for, grant

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the rebuild in SQL is PostgreSQL's"),
]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _everything(login, demo) -> None:
    """Applications with each part of a page (about 30 requests)."""
    father, caseworker = login(demo["father"], "en"), login(demo["caseworker"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    request = {"message": "Please upload a clearer photo", "document_code": "personal_photo"}
    reference = paid(
        father, apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
    )
    assert caseworker.post(f"/backoffice/cases/{reference}/take").status_code == 302
    assert caseworker.post(f"/backoffice/cases/{reference}/request-information", request).status_code == 302
    photo = SimpleUploadedFile("me.png", PNG, content_type="image/png")
    assert father.post(f"/applications/{reference}/respond", {"document": photo}).status_code == 302
    assert caseworker.post(f"/backoffice/cases/{reference}/approve").status_code == 302
    documents_rendered()
    plate = Vehicle.objects.filter(owner__civil_id=demo["father"]).order_by("plate").first().plate
    sale = {"plate_number": plate, "buyer_civil_id": demo["expat"], "payment_method": "bank_transfer"}
    proof = SimpleUploadedFile("receipt.png", PNG, content_type="image/png")
    reference_of(apply(father, "moi.vehicle-ownership-transfer", sale, {"proof_of_payment": proof}))
    _, holder, _ = grant(login, demo)
    act_for(holder, demo["expat"])
    paid(holder, apply(holder, "moi.vehicle-registration-renewal", {"plate_number": "45-20002"}))


def test_postgresql_rebuilds_every_page_as_python_writes_it(login, demo):
    _everything(login, demo)
    # A moment on a whole second, as bulk-loaded rows often have (isoformat then writes no fraction).
    whole = dt.datetime(2026, 11, 15, 7, 0, tzinfo=dt.UTC)
    Application.objects.filter(pk=Application.objects.order_by("pk").first().pk).update(submitted_at=whole)
    seen = {
        kind
        for kind in Application.objects.values_list("history__kind", flat=True)
        if kind in ("info_requested", "info_provided", "approved", "consent_given")
    }
    assert seen == {"info_requested", "info_provided", "approved", "consent_given"}

    by_sql = _both_ways()
    # The same approval had the passport come by courier, and the agency asked again, unanswered.
    approved = Application.objects.get(state="completed", service__code="moi.passport-renewal")
    Application.objects.filter(pk=approved.pk).update(form_data=approved.form_data | {"delivery": "courier"})
    InfoRequest.objects.create(application=approved, message="And a copy of the old one", document_code="")
    by_sql += _both_ways()

    shown = [row["content"] for row in by_sql]
    assert {h["kind"] for c in shown if (h := c["handover"])} == {"collect", "courier"}
    assert any(c["open_request"] for c in shown) and any(c["attachments"] for c in shown)
    assert any(c["documents"] for c in shown) and any(len(row["viewers"]) > 1 for row in by_sql)
    assert any(e["on_behalf_of"] and e["actor"] for c in shown for e in c["history"])
    moments = [c["submitted_at"] for c in shown if c["submitted_at"]]
    assert any("." in m for m in moments) and whole.isoformat() in moments


def _both_ways() -> list[dict]:
    assert pages.rebuild_in_python() == Application.objects.count()
    by_python = pages.rows()
    assert pages_in_sql.rebuild() == len(by_python)
    by_sql = pages.rows()
    assert by_sql == by_python
    return by_sql


def test_the_rows_the_events_kept_are_what_postgresql_rebuilds(login, demo):
    """`pages.rebuild`, what the command and the read models' registry call, is the SQL one here."""
    _everything(login, demo)
    kept = pages.rows()
    assert pages.rebuild() == len(kept)
    assert pages.rows() == kept
