"""Issue 17, point 3: an Arabic page is Arabic and an English page English. A person who filed a
vehicle sale (paid by bank transfer), renewed a passport (paid by card), holds documents and sent a
report with a voice note reads each of their pages, and a caseworker reads the cases, in each
language: no word of the other language outside isolated codes (tests/one_language.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sahl.backoffice import services as backoffice
from sahl.identity.models import User
from sahl.registry.models import Passport
from tests.integration.conftest import apply, paid, reference_of, run_tasks
from tests.one_language import foreign_words, is_code

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SALMIYA = {"latitude": "29.3375", "longitude": "48.0758"}


@pytest.fixture
def walk(login, demo) -> dict[str, str]:
    """What the demo father did: the references of his sale, his passport renewal, his vehicle
    renewal (a document in the wallet) and his report with a voice note."""
    from tests.unit.test_complaint_media import made_wav

    father = login(demo["father"], "en")
    sale = reference_of(
        apply(
            father,
            "moi.vehicle-ownership-transfer",
            {"plate_number": "12-10001", "buyer_civil_id": demo["expat"], "payment_method": "bank_transfer"},
            {"proof_of_payment": SimpleUploadedFile("receipt.png", PNG, content_type="image/png")},
        )
    )
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    renewal = paid(
        father, apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
    )
    registration = paid(
        father, apply(father, "moi.vehicle-registration-renewal", {"plate_number": "12-10001"})
    )
    voice = SimpleUploadedFile("note.wav", made_wav(2), content_type="audio/wav")
    filed = father.post(
        "/complaints/new",
        {"topic": "pothole", "description": "حفرة كبيرة في الشارع", **SALMIYA, "voice": voice},
    )
    assert filed.status_code == 302, filed.content.decode()[:500]
    run_tasks()
    caseworker = User.objects.get(civil_id=demo["caseworker"])
    backoffice.take(caseworker, renewal)
    return {
        "sale": sale,
        "renewal": renewal,
        "registration": registration,
        "report": filed["Location"].rsplit("/", 1)[1],
        "passport": passport,
    }


def _pages(walk: dict[str, str]) -> dict[str, list[str]]:
    return {
        "father": [
            f"/applications/{walk['sale']}",
            f"/applications/{walk['renewal']}",
            f"/applications/{walk['registration']}",
            "/applications",
            "/wallet/",
            f"/complaints/{walk['report']}",
            "/complaints",
            "/services/moi.passport-renewal/apply",
            "/account/my-data",
            "/acting-as",
            "/powers-of-attorney",
            "/account/access-log",
            "/account/notifications",
            "/inbox",
            "/journeys",
            "/journeys/newborn",
            "/journeys/married",
            "/statistics",
        ],
        "caseworker": [
            "/backoffice/",
            "/backoffice/complaints",
            "/backoffice/notices",
            f"/backoffice/cases/{walk['renewal']}",
            f"/backoffice/cases/{walk['sale']}",
        ],
    }


@pytest.mark.parametrize("language", ["ar", "en"])
def test_each_page_is_in_its_own_language_only(login, demo, walk, language):
    found = {}
    for who, paths in _pages(walk).items():
        client = login(demo[who], language)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            words = foreign_words(response.content.decode(), language)
            if words:
                found[path] = words
    assert found == {}, "\n".join(f"{p}: {w}" for p, w in found.items())


def test_the_checker_finds_what_was_wrong_and_lets_codes_pass():
    """Without this the walk above could pass by reading nothing."""
    page = '<html lang="ar"><body><p>تحويل بنكي / Bank transfer</p>{}</body></html>'
    assert foreign_words(page.format(""), "ar") == ["Bank", "transfer"]
    assert foreign_words(page.format("<p>تويوتا (white)</p><p>مدة (2 s)</p>"), "ar")[2:] == ["white", "s"]
    assert foreign_words(page.format('<bdi dir="ltr">Passport K123</bdi>'), "ar")[2:] == ["Passport", "K"]
    coded = '<p>اللوحة <bdi class="code">12-10001</bdi> والجواز <span dir="ltr">K1234567</span></p>'
    assert foreign_words(page.format(coded), "ar")[2:] == []
    assert foreign_words("<option>جواز \u2068K1234567\u2069</option>", "ar") == []
    assert foreign_words('<p>Sahl <button lang="ar">العربية</button> <p dir="auto">ما كتبه</p>', "en") == []
    assert foreign_words('<p>Sahl <span aria-label="حالة">x</span></p>', "en") == ["حالة"]
    assert is_code("2026-0000123") and is_code("C-2026-0000001") and is_code("PDF") and not is_code("Bank")
