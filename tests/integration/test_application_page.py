"""The application's prepared page (ADR 0043): the page and the API read one row kept by the events;
a change shows on the next read; another person's reference does not exist for them; what the row
gives reads exactly as the application's own rows did."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sahl.applications.models import ApplicationPage
from sahl.registry.models import Passport, Vehicle
from tests.integration.conftest import apply, pay, reference_of

pytestmark = pytest.mark.django_db

PASSPORT, SALE = "moi.passport-renewal", "moi.vehicle-ownership-transfer"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _passport(father, demo) -> str:
    number = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = reference_of(apply(father, PASSPORT, {"passport_number": number, "delivery": "kiosk"}))
    pay(father, reference)
    return reference


def _read(client, reference: str) -> tuple[str, dict]:
    page = client.get(f"/applications/{reference}")
    api = client.get(f"/api/v1/applications/{reference}")
    assert page.status_code == api.status_code == 200
    # The form's CSRF token is masked anew on every page.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())
    return html, api.json()


def test_an_approval_shows_on_the_next_read_of_the_page_and_the_api(login, demo):
    father, caseworker = login(demo["father"], "en"), login(demo["caseworker"], "en")
    reference = _passport(father, demo)
    html, api = _read(father, reference)
    assert api["state"] == "in_review" and api["decision"] is None and api["documents"] == []
    assert "In review at the agency" in html and "Decision" not in html

    caseworker.post(f"/backoffice/cases/{reference}/take")
    assert caseworker.post(f"/backoffice/cases/{reference}/approve").status_code == 302

    html, api = _read(father, reference)
    assert api["state"] == "completed" and api["decision"]["outcome"] == "approved"
    assert [d["document"] for d in api["documents"]] and api["history"][-1]["kind"] == "completed"
    assert "Completed" in html and "Decision" in html and "Your documents" in html
    assert "How you receive it" in html  # the kiosk, from the approval's day


def test_a_rejection_shows_with_its_reason(login, demo):
    father, caseworker = login(demo["father"], "en"), login(demo["caseworker"], "en")
    reference = _passport(father, demo)
    caseworker.post(f"/backoffice/cases/{reference}/take")
    caseworker.post(f"/backoffice/cases/{reference}/reject", {"reason": "The photo is not clear"})
    html, api = _read(father, reference)
    assert api["decision"] == {
        "outcome": "rejected",
        "reason": "The photo is not clear",
        "decided_at": api["decision"]["decided_at"],
    }
    assert "The photo is not clear" in html


def test_another_persons_reference_answers_404_on_the_page_and_the_api(login, demo):
    father, expat = login(demo["father"], "en"), login(demo["expat"], "en")
    reference = _passport(father, demo)
    assert ApplicationPage.objects.filter(reference=reference).exists()
    assert expat.get(f"/applications/{reference}").status_code == 404
    assert expat.get(f"/api/v1/applications/{reference}").status_code == 404
    assert expat.get("/api/v1/applications/2026-9999999").status_code == 404


def test_the_page_reads_as_the_applications_rows_did(login, demo):
    """Each side of a sale (the seller who filed, the buyer asked to agree), in each language,
    reads the same page and API answer from the prepared row as from the rows it is made of."""
    father, expat = login(demo["father"], "ar"), login(demo["expat"], "en")
    plate = Vehicle.objects.filter(owner__civil_id=demo["father"]).order_by("plate").first().plate
    sale = {"plate_number": plate, "buyer_civil_id": demo["expat"], "payment_method": "bank_transfer"}
    proof = SimpleUploadedFile("receipt.png", PNG, content_type="image/png")
    reference = reference_of(apply(father, SALE, sale, {"proof_of_payment": proof}))
    people = (("seller", father), ("buyer", expat))
    for _, client in people:
        client.get("/")  # the login's message is shown once

    def both_ways() -> dict[str, tuple[str, dict]]:
        assert ApplicationPage.objects.filter(reference=reference).exists()  # kept by the last change
        prepared = {who: _read(client, reference) for who, client in people}
        ApplicationPage.objects.filter(reference=reference).delete()  # read from the rows instead
        assert {who: _read(client, reference) for who, client in people} == prepared
        return prepared

    waiting = both_ways()
    assert waiting["buyer"][1]["turn"]["mine"] and not waiting["seller"][1]["turn"]["mine"]
    assert waiting["buyer"][1]["parties"][0]["name"] is not None  # the seller, by the register's name
    assert expat.post(f"/applications/{reference}/consent", {"agree": "yes"}).status_code == 302
    agreed = both_ways()
    assert agreed["seller"][1]["state"] == "awaiting_payment" and agreed["seller"][1]["turn"]["mine"]
    assert "consent_given" in [e["kind"] for e in agreed["buyer"][1]["history"]]


def test_the_page_and_the_api_read_one_row_of_their_own(login, demo):
    """Whatever the history, the application's own part of its page is one query (plus the fee's
    payments and the delivery to the agency's system on the page)."""
    father = login(demo["father"], "en")
    reference = _passport(father, demo)
    father.get(f"/api/v1/applications/{reference}")
    with CaptureQueriesContext(connection) as queries:
        assert father.get(f"/api/v1/applications/{reference}").status_code == 200
    own = [q["sql"] for q in queries if "applications_" in q["sql"]]
    assert len(own) == 1 and "applications_applicationpage" in own[0]


def test_a_drafts_page_names_the_chosen_car_as_the_register_does(login, demo):
    from sahl.applications.models import Application

    father = login(demo["father"], "en")
    father.get("/")  # the login's message is shown once
    plate = Vehicle.objects.filter(owner__civil_id=demo["father"]).order_by("plate").first().plate
    answers = {"plate_number": plate, "save_draft": "1"}
    assert father.post("/services/moi.vehicle-registration-renewal/apply", answers).status_code == 302
    reference = Application.objects.get(subject_civil_id=demo["father"], state="draft").reference

    def page() -> str:
        html = father.get(f"/applications/{reference}").content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert ApplicationPage.objects.filter(reference=reference).exists()
    prepared = page()
    assert plate in prepared
    ApplicationPage.objects.filter(reference=reference).delete()  # read from the rows instead
    assert page() == prepared


def test_an_application_filed_before_names_were_kept_names_the_others_as_the_register_does(login, demo):
    """Applications filed before the page kept names (and those loaded in bulk) have none stored:
    the page reads them from the registers rather than calling the seller unknown."""
    from sahl.applications import pages
    from sahl.applications.models import Application

    father, expat = login(demo["father"], "en"), login(demo["expat"], "en")
    plate = Vehicle.objects.filter(owner__civil_id=demo["father"]).order_by("plate").first().plate
    sale = {"plate_number": plate, "buyer_civil_id": demo["expat"], "payment_method": "bank_transfer"}
    proof = SimpleUploadedFile("receipt.png", PNG, content_type="image/png")
    reference = reference_of(apply(father, SALE, sale, {"proof_of_payment": proof}))
    named = _read(expat, reference)[1]["parties"][0]["name"]
    assert named is not None

    Application.objects.filter(reference=reference).update(register_facts={})  # as an older row
    pages.keep(Application.objects.get(reference=reference).pk)
    assert ApplicationPage.objects.get(reference=reference).content["names"] == {}
    assert _read(expat, reference)[1]["parties"][0]["name"] == named
