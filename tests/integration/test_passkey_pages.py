"""Issue 17, point 18: the second-factor and passkey pages speak Sahl's language, in Arabic and in
English. A passkey is added with a software device (tests/integration/passkey_device.py) through
the pages' own options, as the browser's script would."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from sahl.identity.models import User
from tests.conftest import DEMO_PASSWORD
from tests.integration.conftest import totp_now
from tests.integration.passkey_device import HOST, SoftPasskey, page_options

pytestmark = pytest.mark.django_db

LANGUAGES = ["ar", "en"]
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")


def browser(language: str) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.cookies["sahl_language"] = language
    return client


def log_in(client: Client, civil_id: str, next_path: str = "") -> object:
    """The login form; the person's language is the browser's (logging in brings pages to it)."""
    User.objects.filter(civil_id=civil_id).update(preferred_language=client.cookies["sahl_language"].value)
    url = "/accounts/login/" + (f"?next={next_path}" if next_path else "")
    return client.post(url, {"login": civil_id, "password": DEMO_PASSWORD})


def add_passkey(client: Client, device: SoftPasskey, name: str | None = None) -> object:
    """The add page as the browser uses it: read its options, make the passkey, post it back."""
    html = open_page(client, "/accounts/2fa/webauthn/add/")
    default_name = re.search(r'name="name" value="([^"]*)"', html)
    assert default_name
    return client.post(
        "/accounts/2fa/webauthn/add/",
        {
            "name": default_name.group(1) if name is None else name,
            "credential": device.create(page_options(html)),
        },
    )


def open_page(client: Client, path: str) -> str:
    """A page, after typing the password again when allauth asks for it first."""
    response = client.get(path)
    if response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]:
        client.post(response["Location"], {"password": DEMO_PASSWORD})
        response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def passkey_login(client: Client, device: SoftPasskey, next_path: str = "") -> object:
    options = client.get("/accounts/2fa/webauthn/login/", HTTP_ACCEPT="application/json").json()
    data = {"credential": device.get(options["request_options"])}
    if next_path:
        data["next"] = next_path
    return client.post("/accounts/2fa/webauthn/login/", data)


def main_text(html: str) -> str:
    """The visible words of the page's <main>, without tags, scripts and attributes."""
    found = re.search(r"<main[^>]*>(.*?)</main>", html, re.S)
    assert found, "no <main> on the page"
    main = found.group(1)
    main = re.sub(r"<script.*?</script>|<code>.*?</code>", " ", main, flags=re.S)  # codes are data
    return re.sub(r"<[^>]+>", " ", main)


def in_one_language(html: str, language: str, allowed: tuple[str, ...] = ()) -> None:
    text = main_text(html)
    for word in allowed:
        text = text.replace(word, " ")
    if language == "ar":
        assert not ENGLISH_WORD.findall(text), f"English on an Arabic page: {ENGLISH_WORD.findall(text)}"
    else:
        assert not ARABIC_LETTER.findall(text), f"Arabic on an English page: {text!r}"


@pytest.fixture
def father(demo) -> str:
    return demo["father"]


# --- "Add a passkey", named "Passkey 1", no "Passwordless" box ------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_add_page_says_add_a_passkey_names_it_passkey_1_and_has_no_passwordless_box(father, language):
    client = browser(language)
    log_in(client, father)
    html = open_page(client, "/accounts/2fa/webauthn/add/")
    title, name = {"ar": ("أضف مفتاح مرور", "مفتاح مرور 1"), "en": ("Add a passkey", "Passkey 1")}[language]
    assert f"<h1>{title}</h1>" in html
    assert f'value="{name}"' in html
    assert "passwordless" not in html.lower() and "Master key" not in html and "Security Key" not in html
    in_one_language(html, language)
    # The device is asked for a passkey that logs in on its own (discoverable, with a fingerprint or PIN)
    selection = page_options(html)["creation_options"]["publicKey"]["authenticatorSelection"]
    assert selection["residentKey"] == "required" and selection["userVerification"] == "required"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_passkey_added_in_sahl_logs_in_on_its_own_and_keeps_next(father, language):
    client = browser(language)
    log_in(client, father)
    device = SoftPasskey()
    added = add_passkey(client, device)
    assert added.status_code == 302
    passkey = Authenticator.objects.get(user__civil_id=father, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().name == {"ar": "مفتاح مرور 1", "en": "Passkey 1"}[language]
    assert passkey.wrap().is_passwordless is True

    client.post("/accounts/logout/")
    answer = passkey_login(client, device, "/applications")
    assert answer.status_code == 302 and answer["Location"] == "/applications"
    assert client.session["_auth_user_id"] == str(User.objects.get(civil_id=father).pk)


def test_a_device_that_does_not_check_the_person_cannot_add_a_passkey(father):
    """Without a fingerprint, face or PIN a passkey could not log in on its own: it is refused."""
    client = browser("en")
    log_in(client, father)
    answer = add_passkey(client, SoftPasskey(user_verified=False))
    assert answer.status_code == 200
    assert not Authenticator.objects.filter(user__civil_id=father, type=Authenticator.Type.WEBAUTHN).exists()


def test_a_refused_passkey_login_says_what_happened_and_keeps_next(father):
    client = browser("en")
    stranger = SoftPasskey()  # never added to any account
    stranger.user_handle = "MQ"
    answer = passkey_login(client, stranger, "/applications")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/?next=%2Fapplications"
    html = client.get(answer["Location"]).content.decode()
    # (beside the form, logging in with Hawiyati speaks of its QR code and the code to compare)
    form = re.sub(r'<section class="wallet-login".*?</section>', "", html, flags=re.S)
    assert "Sahl did not recognise this passkey" in html and "code" not in main_text(form).lower()


# --- A person with only a passkey is not asked for "an authenticator code" ------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_with_only_a_passkey_is_asked_for_the_passkey_after_the_password(father, language):
    client = browser(language)
    log_in(client, father)
    device = SoftPasskey()
    add_passkey(client, device)
    client.post("/accounts/logout/")

    step = log_in(client, father, "/applications")
    assert step.status_code == 302 and "/accounts/2fa/authenticate" in step["Location"]
    html = client.get(step["Location"]).content.decode()
    assert 'id="mfa_webauthn_authenticate"' in html
    assert {"ar": "استخدم مفتاح المرور", "en": "Use your passkey"}[language] in html
    # no code field on show: only a recovery code, folded away, for a lost device
    assert "authenticator" not in html.lower() and "المصادقة" not in html
    assert re.search(r"<details>\s*<summary>", html)
    in_one_language(html, language)

    # The passkey finishes the login, and the person lands where they were going
    answer = client.post(step["Location"], {"credential": device.get(page_options(html)["request_options"])})
    assert answer.status_code == 302 and answer["Location"] == "/applications"
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_with_an_authenticator_app_is_asked_for_its_code_and_lands_on_next(demo, language):
    client = browser(language)
    step = log_in(client, demo["owner"], "/applications")
    html = client.get(step["Location"]).content.decode()
    assert 'id="mfa_webauthn_authenticate"' not in html  # no passkey to offer
    label = {
        "ar": "الرمز من تطبيق المصادقة، أو رمز استرداد",
        "en": "Code from your authenticator app, or a recovery code",
    }
    assert label[language] in html
    in_one_language(html, language)

    wrong = client.post(step["Location"], {"code": "000000"})
    error = {"ar": "هذا الرمز غير صحيح", "en": "That code is not right"}[language]
    assert wrong.status_code == 200 and error in wrong.content.decode()
    in_one_language(wrong.content.decode(), language)

    answer = client.post(step["Location"], {"code": totp_now(demo["owner"])})
    assert answer.status_code == 302 and answer["Location"] == "/applications"


def test_the_code_by_sms_step_keeps_next_too(demo):
    from tests.integration.conftest import sms_code_for

    user = User.objects.get(civil_id=demo["father"])
    from sahl.identity.models import SmsFactor

    SmsFactor.objects.create(user=user, phone="+96550000001")
    client = browser("en")
    step = log_in(client, demo["father"], "/applications")
    assert "/2fa/sms/login" in step["Location"]
    answer = client.post(step["Location"], {"code": sms_code_for(demo["father"])})
    assert answer.status_code == 302 and answer["Location"] == "/applications"


# --- Login errors say "civil ID" ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "says"),
    [("ar", "الرقم المدني أو كلمة المرور غير صحيحة"), ("en", "The civil ID or the password is not right")],
)
def test_a_wrong_password_says_civil_id_not_username(father, language, says):
    client = browser(language)
    html = client.post("/accounts/login/", {"login": father, "password": "wrong"}).content.decode()
    assert says in html
    assert "username" not in main_text(html).lower() and "اسم المستخدم" not in html
    in_one_language(html, language, allowed=("Sahl",))


@pytest.mark.parametrize(("language", "says"), [("ar", "اكتب رقمك المدني"), ("en", "Type your civil ID")])
def test_an_empty_civil_id_is_asked_for_by_name(language, says, db):
    html = browser(language).post("/accounts/login/", {"login": "", "password": "x"}).content.decode()
    assert says in html


# --- Dates in the person's locale, and grammatical Arabic ----------------------------------------


@pytest.mark.parametrize(
    ("language", "added", "used"),
    [
        ("ar", "أُضيف في 3 مارس، 2026", "آخر استخدام في 4 مارس، 2026"),
        ("en", "Added on March 3, 2026", "Last used on March 4, 2026"),
    ],
)
def test_the_passkey_list_gives_dates_in_the_persons_language(father, language, added, used):
    client = browser(language)
    log_in(client, father)
    add_passkey(client, SoftPasskey(), name="My phone")
    passkey = Authenticator.objects.get(user__civil_id=father, type=Authenticator.Type.WEBAUTHN)
    kuwait = dt.timezone(dt.timedelta(hours=3))
    passkey.created_at = dt.datetime(2026, 3, 3, 10, 0, tzinfo=kuwait)
    passkey.last_used_at = dt.datetime(2026, 3, 4, 18, 30, tzinfo=kuwait)
    passkey.save()

    html = client.get("/accounts/2fa/webauthn/").content.decode()
    text = " ".join(main_text(html).split())
    assert added in text and used in text
    assert 'datetime="2026-03-03T' in html
    assert "My phone" in html
    in_one_language(html, language, allowed=("My phone",))


def test_a_name_sahl_gave_reads_in_the_pages_language(father):
    client = browser("ar")
    log_in(client, father)
    add_passkey(client, SoftPasskey())
    client.cookies["sahl_language"] = "en"
    html = client.get("/accounts/2fa/webauthn/").content.decode()
    assert "Passkey 1" in html and "مفتاح مرور" not in html
    second = add_passkey(client, SoftPasskey())
    assert second.status_code == 302
    names = sorted(
        a.wrap().name
        for a in Authenticator.objects.filter(type=Authenticator.Type.WEBAUTHN, user__civil_id=father)
    )
    assert names == ["Passkey 2", "مفتاح مرور 1"]


# --- Every reachable page: Sahl's layout, one language -------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_second_factor_page_is_in_sahls_layout_and_one_language(father, language):
    client = browser(language)
    log_in(client, father)
    add_passkey(client, SoftPasskey())
    passkey = Authenticator.objects.get(user__civil_id=father, type=Authenticator.Type.WEBAUTHN)
    pages = [
        "/accounts/2fa/",
        "/accounts/2fa/webauthn/",
        "/accounts/2fa/webauthn/add/",
        f"/accounts/2fa/webauthn/keys/{passkey.pk}/edit/",
        f"/accounts/2fa/webauthn/keys/{passkey.pk}/remove/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/reauthenticate/",
        "/accounts/2fa/webauthn/reauthenticate/",
        "/accounts/reauthenticate/",
    ]
    for path in pages:
        html = open_page(client, path)
        assert f'<html lang="{language}"' in html and 'class="brand"' in html, path
        in_one_language(html, language, allowed=("Sahl",))
        for allauth_words in (
            "Security Key",
            "Two-Factor",
            "Master key",
            "Passwordless",
            "authenticator code",
        ):
            assert allauth_words not in html, (path, allauth_words)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_authenticator_app_pages_are_in_one_language(demo, language):
    client = browser(language)
    step = log_in(client, demo["owner"])
    client.post(step["Location"], {"code": totp_now(demo["owner"])})
    for path in ("/accounts/2fa/", "/accounts/2fa/totp/deactivate/", "/accounts/2fa/reauthenticate/"):
        in_one_language(open_page(client, path), language, allowed=("Sahl",))
