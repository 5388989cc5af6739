"""The commercial licence as a verifiable credential (issue 20, point 7): a renewed licence is issued
to a wallet with the company's name and activities and nothing of its owners; anyone verifies it;
once the licence is cancelled (by an approved cancellation, or by the Ministry of Commerce through
the agency API) the same credential is refused as revoked."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sahl.applications.models import IssuedDocument
from sahl.registry import models as registry
from sahl.wallet import sdjwt
from sahl.wallet.jose import unb64url
from tests.integration.conftest import DjangoTransport, apply, paid, reference_of
from tests.integration.test_agency_api import PDF, System
from tests.integration.test_mandates import act_for
from tests.integration.test_wallet import ISSUER, csrf
from tests.oid4vci_client import Wallet
from tests.wallet_fixtures import qr_nonce

pytestmark = pytest.mark.django_db
COMPANY = "CR-100001"
RENEWAL = "moci.commercial-licence-renewal"
CANCELLATION = "moci.commercial-licence-cancellation"
MORE = [
    {"ar": "استيراد وتصدير", "en": "Import and export"},
    {"ar": "مقاولات عامة للمباني", "en": "General building contracting"},
]


@pytest.fixture
def http() -> httpx.Client:
    return httpx.Client(transport=DjangoTransport(), base_url=ISSUER)


@pytest.fixture
def company(demo) -> registry.Company:
    found = registry.Company.objects.get(number=COMPANY)
    found.more_activities = MORE
    found.save(update_fields=["more_activities"])
    return found


def renew(client) -> IssuedDocument:
    reference = paid(client, apply(client, RENEWAL, {"company": COMPANY}))
    return IssuedDocument.objects.get(application__reference=reference, document="commercial_licence")


def receive(http, client, document: IssuedDocument) -> tuple[Wallet, str]:
    made = client.post(
        "/api/v1/wallet/offers", {"document": document.pk}, content_type="application/json", **csrf(client)
    )
    assert made.status_code == 201, made.content
    offer = made.json()
    assert offer["credential_offer"]["credential_configuration_ids"] == ["commercial_licence"]
    wallet = Wallet(http)
    return wallet, wallet.receive(offer["credential_offer_uri"], offer["tx_code"])["commercial_licence"]


def show_all(wallet: Wallet, credential: str) -> str:
    """The holder shows every claim the credential holds (the QR profile's binding)."""
    now = int(time.time())
    everything = list(sdjwt.claim_names(credential))
    return sdjwt.present(credential, everything, wallet.key, sdjwt.QR_AUDIENCE, qr_nonce(now), now)


def verify(http, presentation: str, language: str = "en") -> dict:
    answer = http.post(
        "/api/v1/wallet/verify", json={"presentation": presentation}, headers={"Accept-Language": language}
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def owners_data(company: registry.Company) -> list[str]:
    """Every owner's and signatory's civil ID and names: none may appear in the credential."""
    found = []
    for role in registry.CompanyRole.objects.filter(company=company).select_related("person"):
        found += [role.person.civil_id, role.person.name_ar, role.person.name_en]
    assert found
    return found


def disclosed_text(credential: str) -> str:
    """The issuer-signed payload and every disclosure, decoded: all a verifier could ever read."""
    jwt, *disclosures = [part for part in credential.split("~") if part]
    payload = unb64url(jwt.split(".")[1]).decode()
    return payload + "".join(unb64url(d).decode() for d in disclosures)


def assert_genuine_licence(answer: dict, company: registry.Company) -> None:
    assert (answer["genuine"], answer["state"], answer["state_text"]) == (True, "valid", "Valid")
    assert answer["configuration"] == "commercial_licence"
    claims = answer["claims"]
    assert claims["company_number"] == COMPANY
    assert (claims["company_name_ar"], claims["company_name_en"]) == (company.name_ar, company.name_en)
    assert claims["activities_en"] == [company.activity_en, *(a["en"] for a in MORE)]
    assert claims["activities_ar"] == [company.activity_ar, *(a["ar"] for a in MORE)]
    company.refresh_from_db()
    assert claims["expiry_date"] == company.licence_expiry.isoformat()
    assert claims["issuing_authority"] == "moci"
    # Nothing of a person: no civil ID, name, birth date, nationality, age or form answers.
    assert not {
        "civil_id",
        "name_ar",
        "name_en",
        "birthdate",
        "nationality",
        "age_equal_or_over",
        "details",
    } & set(claims)


def cancel_by_application(login, demo, owner_client) -> str:
    """The owner files the cancellation; a caseworker of the Ministry of Commerce approves it."""
    from sahl.backoffice import services as backoffice
    from sahl.catalogue.models import Agency
    from sahl.identity.models import StaffMembership, User

    files = {
        name: SimpleUploadedFile(f"{name}.pdf", PDF, content_type="application/pdf")
        for name in ("lease_termination", "manpower_clearance", "mew_clearance")
    }
    answers = {"company": COMPANY, "reason": "closure", "closure_date": timezone.localdate().isoformat()}
    reference = reference_of(apply(owner_client, CANCELLATION, answers, files))
    caseworker = User.objects.get(civil_id=demo["caseworker"])
    StaffMembership.objects.filter(user=caseworker).update(agency=Agency.objects.get(code="moci"))
    caseworker.refresh_from_db()
    backoffice.take(caseworker, reference)
    backoffice.approve(caseworker, reference)
    return reference


def test_the_owners_renewed_licence_verifies_with_the_company_and_is_refused_once_cancelled(
    login, demo, company, http
):
    owner = login(demo["owner"], "en")
    licence = renew(owner)
    assert licence.holder_civil_id == demo["owner"]  # filed for themselves: in their own wallet
    wallet, credential = receive(http, owner, licence)

    for private in owners_data(company):
        assert private not in disclosed_text(credential)
    answer = verify(http, show_all(wallet, credential))
    assert_genuine_licence(answer, company)
    for private in owners_data(company):
        assert private not in json.dumps(answer, ensure_ascii=False)
    # In Arabic too: the state in Arabic, the company's Arabic name and activities as they are.
    arabic = verify(http, show_all(wallet, credential), "ar")
    assert arabic["state"] == "valid" and arabic["state_text"] not in ("", "Valid")
    assert arabic["claims"]["company_name_ar"] == company.name_ar

    # Anyone's verification page of the document: genuine, the company and its activities (Arabic
    # by default), and no owner either.
    page = Client().get(f"/verify/{licence.verification_code}").content.decode()
    assert 'class="ok"' in page and company.name_ar in page
    assert all(activity in page for activity in [company.activity_ar, *(a["ar"] for a in MORE)])
    for private in owners_data(company):
        assert private not in page

    reference = cancel_by_application(login, demo, owner)
    company.refresh_from_db()
    assert company.licence_cancelled_on == timezone.localdate()
    licence.refresh_from_db()
    assert licence.revoked_at is not None
    refused = verify(http, show_all(wallet, credential))
    assert (refused["genuine"], refused["state"], refused["state_text"]) == (True, "revoked", "Revoked")
    page = Client().get(f"/verify/{licence.verification_code}").content.decode()
    assert 'class="not-ok"' in page and 'class="ok"' not in page
    from sahl.applications.models import HistoryEvent

    said = HistoryEvent.objects.filter(application__reference=reference, kind="register_updated").get()
    assert timezone.localdate().isoformat() in said.note and "cancelled" in said.note
    # The cancellation announced once, in the change's transaction.
    from sahl.events.models import Event

    assert Event.objects.filter(type="register.licence_cancelled").count() == 1


def test_acting_for_the_company_the_licence_is_the_companys_and_moci_cancels_it_through_the_api(
    login, demo, company, http
):
    owner = login(demo["owner"], "en")
    assert act_for(owner, COMPANY).status_code == 302
    licence = renew(owner)
    assert licence.holder_civil_id == COMPANY  # filed as the company: the company holds it

    # The company's wallet shows it while acting for the company; the owner's own wallet does not.
    shown = owner.get("/api/v1/wallet/documents").json()
    assert [(d["verification_code"], d["state"]) for d in shown] == [(licence.verification_code, "valid")]
    assert licence.verification_code in owner.get("/wallet/").content.decode()
    wallet, credential = receive(http, owner, licence)
    for private in owners_data(company):
        assert private not in disclosed_text(credential)
    assert_genuine_licence(verify(http, show_all(wallet, credential)), company)
    owner.post("/acting-as", {"subject": demo["owner"]})
    assert licence.verification_code not in {
        d["verification_code"] for d in owner.get("/api/v1/wallet/documents").json()
    }

    # Only the owner of the companies register may cancel a licence directly.
    path = f"/registers/companies/{COMPANY}/licence-cancellation"
    mew = System("mew")
    assert mew.post(path, {}, key="c-1").status_code == 403
    assert verify(http, show_all(wallet, credential))["state"] == "valid"
    moci = System("moci")
    first = moci.post(path, {}, key="c-2")
    assert first.status_code == 200, first.text
    assert first.json() == {"number": COMPANY, "licence_cancelled_on": timezone.localdate().isoformat()}
    again = moci.post(path, {}, key="c-2")
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    other_key = moci.post(path, {}, key="c-3")
    assert (other_key.status_code, other_key.json()) == (200, first.json())  # already cancelled: as it was
    from sahl.events.models import Event

    assert Event.objects.filter(type="register.licence_cancelled").count() == 1
    assert moci.post("/registers/companies/CR-999999/licence-cancellation", {}, key="c-4").status_code == 404

    refused = verify(http, show_all(wallet, credential))
    assert (refused["genuine"], refused["state"]) == (True, "revoked")
    act_for(owner, COMPANY)
    assert {d["state"] for d in owner.get("/api/v1/wallet/documents").json()} == {"revoked"}


def test_the_published_type_of_a_commercial_licence_names_the_company_and_no_person(http):
    metadata = http.get("/vct/commercial_licence").json()
    paths = [claim["path"] for claim in metadata["claims"]]
    assert ["company_name_ar"] in paths and ["activities_en"] in paths and ["expiry_date"] in paths
    assert not {"civil_id", "name_ar", "name_en", "birthdate", "nationality", "age_equal_or_over"} & {
        path[0] for path in paths
    }
    labels = {
        tuple(claim["path"]): {d["locale"]: d["label"] for d in claim["display"]}
        for claim in metadata["claims"]
    }
    assert labels[("company_name_en",)] == {"ar": "اسم المنشأة بالإنجليزية", "en": "Company name in English"}
    assert labels[("activities_ar",)]["en"] == "Activities in Arabic"
