"""The catalogue itself: every definition in the repository is valid, bilingual and distinct."""

import re
from collections import Counter

import pytest

from sahl.catalogue.files import read_catalogue

ARABIC = re.compile("[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue()


def test_every_definition_loads(catalogue):
    assert len(catalogue.services) >= 254


def test_at_least_25_agencies_publish_services(catalogue):
    publishing = {s.agency for s in catalogue.services}
    assert len(publishing) >= 25
    assert publishing <= {a.code for a in catalogue.agencies}


def test_both_languages_are_filled_everywhere(catalogue):
    for service in catalogue.services:
        for text in (service.name, service.description):
            assert ARABIC.search(text.ar), service.code
            assert not ARABIC.search(text.en), service.code
        for rule in service.eligibility:
            assert ARABIC.search(rule.reason.ar) and not ARABIC.search(rule.reason.en), service.code
        for name, prop in service.form.get("properties", {}).items():
            assert ARABIC.search(prop["title"]["ar"]) and prop["title"]["en"].strip(), (
                f"{service.code}.{name}"
            )


def test_no_two_services_share_a_name_or_a_description(catalogue):
    for attribute in ("name", "description"):
        for language in ("ar", "en"):
            texts = Counter(getattr(getattr(s, attribute), language).casefold() for s in catalogue.services)
            repeated = [t for t, n in texts.items() if n > 1]
            assert not repeated, f"repeated {attribute}.{language}: {repeated[:3]}"


def test_the_services_the_country_talks_about_are_there(catalogue):
    codes = {s.code for s in catalogue.services}
    for code in (
        "moi.vehicle-registration-renewal",
        "moi.vehicle-ownership-transfer",
        "moi.passport-renewal",
        "moi.driving-licence-issuance",
        "moh.birth-certificate",
        "paci.civil-id-renewal",
        "km.expropriation-compensation",
        "moj.power-of-attorney",
    ):
        assert code in codes


def test_the_ownership_transfer_needs_the_buyer_and_the_seller(catalogue):
    transfer = next(s for s in catalogue.services if s.code == "moi.vehicle-ownership-transfer")
    roles = {p.role: p.consent_required for p in transfer.parties}
    assert roles.get("buyer") is True
    assert "seller" in roles


def test_every_processing_mode_is_used(catalogue):
    assert {s.processing for s in catalogue.services} == {"automatic", "backoffice", "agency_api"}
