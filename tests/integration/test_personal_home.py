"""The personal home: what the person's applications ask of them, read at once (the open cards and
the consents asked of them as a party, one query), each in its place."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sahl.identity.models import User
from sahl.portal.personal import PersonalHome, personal_home
from sahl.registry.models import Passport, Vehicle
from tests.integration.conftest import apply, reference_of
from tests.integration.test_application_page import PASSPORT, PNG, SALE

pytestmark = pytest.mark.django_db


def home_of(civil_id: str) -> tuple[PersonalHome, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        home = personal_home(User.objects.get(civil_id=civil_id), timezone.localdate())
    return home, [q["sql"] for q in queries if "applications_" in q["sql"]]


def test_the_buyer_is_asked_to_agree_and_the_seller_sees_the_sale_in_progress_beside_a_fee(login, demo):
    father = login(demo["father"], "en")
    plate = Vehicle.objects.filter(owner__civil_id=demo["father"]).order_by("plate").first().plate
    sale = {"plate_number": plate, "buyer_civil_id": demo["expat"], "payment_method": "bank_transfer"}
    proof = SimpleUploadedFile("receipt.png", PNG, content_type="image/png")
    sold = reference_of(apply(father, SALE, sale, {"proof_of_payment": proof}))
    number = Passport.objects.get(holder__civil_id=demo["father"]).number
    passport = reference_of(apply(father, PASSPORT, {"passport_number": number, "delivery": "kiosk"}))

    buyer, read = home_of(demo["expat"])
    assert [(a.kind, a.reference) for a in buyer.actions] == [("consent", sold)]
    assert buyer.in_progress == []  # the buyer's part of the sale is the consent
    assert len(read) == 1 and "applications_party" in read[0] and "applications_applicationcard" in read[0]

    seller, read = home_of(demo["father"])
    assert [(a.kind, a.reference) for a in seller.actions] == [("payment", passport)]
    assert [p.reference for p in seller.in_progress] == [sold]
    assert len(read) == 1
