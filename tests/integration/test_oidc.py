"""Sahl's OpenID provider for apps (ADR 0054): a native app's authorization code with PKCE, its ID
token, its bearer calls on the people's API with their scopes and whom they act for, refresh-token
rotation, and every way the person takes the app's tokens back."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from jwcrypto import jwk, jwt

from sahl.audit.models import AuditEntry
from sahl.identity.models import User
from tests.conftest import DEMO_PASSWORD

REDIRECT = "http://127.0.0.1:53682/callback"  # a native app's loopback address (RFC 8252)


@pytest.fixture
def client_id(db) -> str:
    out = io.StringIO()
    call_command("register_app", name_ar="تطبيق سهل", name_en="Sahl app", redirect_uri=[REDIRECT], stdout=out)
    return out.getvalue().strip()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize(person: Client, client_id: str, scope: str, challenge: str) -> str:
    """The person allows the app on the consent page; the code the app receives."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "s-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = person.get(f"/oauth/authorize?{urlencode(query)}")
    if page.status_code == 200:  # the consent page (not shown again for scopes already allowed)
        form = {name: value for name, value in query.items() if name != "scope"} | {"scope": scope}
        page = person.post("/oauth/authorize", form | {"allow": "on"})
    assert page.status_code == 302, page.content[:500]
    location = urlsplit(page["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    answer = parse_qs(location.query)
    assert answer["state"] == ["s-123"]
    return answer["code"][0]


def exchange(client_id: str, code: str, verifier: str) -> Client | dict:
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )
    return {"status": response.status_code, **json.loads(response.content)}


def tokens(person: Client, client_id: str, scope: str = "openid profile applications") -> dict:
    verifier, challenge = pkce()
    answer = exchange(client_id, authorize(person, client_id, scope, challenge), verifier)
    assert answer["status"] == 200, answer
    return answer


def bearer(token: str, path: str = "/api/v1/applications", **headers: str):
    return Client(enforce_csrf_checks=True).get(path, HTTP_AUTHORIZATION=f"Bearer {token}", **headers)


def refresh(client_id: str, refresh_token: str) -> dict:
    response = Client().post(
        "/oauth/token",
        {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id},
    )
    return {"status": response.status_code, **json.loads(response.content)}


# --- Discovery and keys ---------------------------------------------------------------------------


def test_discovery_at_the_site_root_names_the_endpoints_scopes_and_s256_only(db):
    response = Client().get("/.well-known/openid-configuration")
    assert response.status_code == 200
    found = response.json()
    assert found["issuer"] == "http://testserver"
    assert found["authorization_endpoint"] == "http://testserver/oauth/authorize"
    assert found["token_endpoint"] == "http://testserver/oauth/token"
    assert found["jwks_uri"] == "http://testserver/oauth/jwks"
    assert found["response_types_supported"] == ["code"]
    assert found["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in found["id_token_signing_alg_values_supported"]
    assert {"openid", "profile", "applications", "payments", "wallet", "mandates", "business"} <= set(
        found["scopes_supported"]
    )
    keys = Client().get("/oauth/jwks").json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    assert "d" not in keys[0]  # the public half only


# --- The code, PKCE and the ID token -----------------------------------------------------------


def test_a_native_app_gets_tokens_with_pkce_and_an_id_token_without_the_civil_id(login, demo, client_id):
    father = login(demo["father"], "en")
    verifier, challenge = pkce()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT,
            "scope": "openid profile applications",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    page = father.get(f"/oauth/authorize?{query}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Let “Sahl app” use your account?" in text
    assert "See your applications and file, answer or cancel them" in text
    assert "form-action 'self' http://127.0.0.1:53682" in page["Content-Security-Policy"]
    arabic = login(demo["father"], "ar").get(f"/oauth/authorize?{query}").content.decode()
    assert "تطبيق سهل" in arabic and "Sahl app" not in arabic

    answer = exchange(
        client_id, authorize(father, client_id, "openid profile applications", challenge), verifier
    )

    assert answer["status"] == 200 and answer["token_type"] == "Bearer"
    assert set(answer["scope"].split()) == {"openid", "profile", "applications"}
    keys = jwk.JWKSet.from_json(Client().get("/oauth/jwks").content)
    claims = json.loads(jwt.JWT(jwt=answer["id_token"], key=keys).claims)
    user = User.objects.get(civil_id=demo["father"])
    assert claims["sub"] == str(user.pk) and claims["aud"] == client_id
    assert claims["iss"] == "http://testserver"
    assert claims["name#en"] == user.name_en and claims["name#ar"] == user.name_ar
    assert demo["father"] not in json.dumps(claims)
    assert AuditEntry.objects.filter(kind="app_authorised", subject_civil_id=demo["father"]).exists()


def test_without_profile_the_id_token_names_nobody(login, demo, client_id):
    answer = tokens(login(demo["father"], "en"), client_id, "openid applications")
    claims = json.loads(jwt.JWT(jwt=answer["id_token"]).token.objects["payload"])
    assert "name" not in claims and "name#ar" not in claims and claims["sub"]


def test_a_wrong_verifier_or_no_challenge_is_refused(login, demo, client_id):
    father = login(demo["father"], "en")
    _, challenge = pkce()
    code = authorize(father, client_id, "openid applications", challenge)
    wrong = exchange(client_id, code, pkce()[0])
    assert wrong["status"] == 400 and wrong["error"] == "invalid_grant"
    # A request without PKCE never reaches the consent page.
    query = urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT})
    refused = father.get(f"/oauth/authorize?{query}")
    assert refused.status_code == 302 and "error=invalid_request" in refused["Location"]


def test_an_unknown_app_gets_the_refusal_page_in_the_persons_language(login, demo):
    father = login(demo["father"], "ar")
    page = father.get(f"/oauth/authorize?{urlencode({'response_type': 'code', 'client_id': 'nobody'})}")
    assert page.status_code in (400, 401)
    assert "رُفض طلب التطبيق" in page.content.decode()


# --- Bearer calls --------------------------------------------------------------------------------


def test_a_bearer_call_needs_no_csrf_token_and_its_scope(login, demo, client_id):
    token = tokens(login(demo["father"], "en"), client_id)["access_token"]

    listed = bearer(token)
    assert listed.status_code == 200 and isinstance(listed.json(), list)
    # A write with the token and no CSRF token is judged on its body, not refused for CSRF.
    wrote = Client(enforce_csrf_checks=True).post(
        "/api/v1/applications", "{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert wrote.status_code in (400, 422) and wrote.json()["type"] != "urn:sahl:problem:request.csrf"
    # The session's writes still need it.
    session = login(demo["father"], "en")
    session.handler.enforce_csrf_checks = True
    refused = session.post("/api/v1/applications", "{}", content_type="application/json")
    assert refused.json()["type"] == "urn:sahl:problem:request.csrf"

    no_scope = bearer(token, "/api/v1/me/mandates")
    assert no_scope.status_code == 403
    assert no_scope["Content-Type"] == "application/problem+json"
    assert no_scope.json()["type"] == "urn:sahl:problem:app.scope_missing"
    assert no_scope["WWW-Authenticate"] == 'Bearer realm="sahl", error="insufficient_scope", scope="mandates"'


@pytest.mark.parametrize("token", ["not-a-token", ""])
def test_an_unknown_token_is_refused_401(db, token):
    response = bearer(token)
    assert response.status_code == 401
    assert response.json()["type"] == "urn:sahl:problem:app.token_invalid"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_an_app_acts_for_a_child_as_the_pages_allow_and_no_one_else(login, demo, client_id):
    father = tokens(login(demo["father"], "en"), client_id)["access_token"]
    assert bearer(father, HTTP_SAHL_ACTING_FOR=demo["daughter"]).status_code == 200
    assert bearer(father, HTTP_SAHL_ACTING_FOR=demo["father"]).status_code == 200

    expat = tokens(login(demo["expat"], "en"), client_id)["access_token"]
    refused = bearer(expat, HTTP_SAHL_ACTING_FOR=demo["daughter"])
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    entry = AuditEntry.objects.filter(kind="access_refused", subject_civil_id=demo["daughter"]).last()
    assert entry is not None and entry.actor_civil_id == demo["expat"]


# --- Refresh-token rotation ---------------------------------------------------------------------


def test_a_refresh_token_works_once_and_its_reuse_ends_the_family(login, demo, client_id):
    first = tokens(login(demo["father"], "en"), client_id)

    second = refresh(client_id, first["refresh_token"])
    assert second["status"] == 200 and second["refresh_token"] != first["refresh_token"]
    assert bearer(second["access_token"]).status_code == 200
    assert bearer(first["access_token"]).status_code == 401  # the old access token went with it

    reused = refresh(client_id, first["refresh_token"])
    assert reused["status"] == 400 and reused["error"] == "invalid_grant"
    # Someone replayed a spent token: the whole family is revoked, the live one too.
    assert refresh(client_id, second["refresh_token"])["status"] == 400
    assert bearer(second["access_token"]).status_code == 401


# --- Taking the tokens back ---------------------------------------------------------------------


def test_logging_out_everywhere_ends_sessions_and_tokens(login, demo, client_id):
    here, there = login(demo["father"], "en"), login(demo["father"], "en")
    answer = tokens(here, client_id)

    response = here.post("/account/log-out-everywhere")

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    for session in (here, there):
        assert session.get("/applications")["Location"].startswith("/accounts/login/")
    assert bearer(answer["access_token"]).status_code == 401
    assert refresh(client_id, answer["refresh_token"])["status"] == 400
    kinds = set(AuditEntry.objects.filter(subject_civil_id=demo["father"]).values_list("kind", flat=True))
    assert {"logout_everywhere", "app_revoked"} <= kinds
    # The next login works as ever.
    assert login(demo["father"], "en").get("/applications").status_code == 200


def test_a_new_password_takes_back_every_apps_tokens(login, demo, client_id):
    father = login(demo["father"], "en")
    answer = tokens(father, client_id)
    changed = father.post(
        "/accounts/password/change/",
        {
            "oldpassword": DEMO_PASSWORD,
            "password1": "a-new-long-passphrase-9",
            "password2": "a-new-long-passphrase-9",
        },
    )
    assert changed.status_code == 302
    assert bearer(answer["access_token"]).status_code == 401
    entry = AuditEntry.objects.filter(kind="app_revoked", subject_civil_id=demo["father"]).last()
    assert entry is not None and entry.detail == "password_changed: Sahl app"


def test_the_person_takes_back_one_app_from_its_page(login, demo, client_id):
    father = login(demo["father"], "ar")
    answer = tokens(father, client_id)
    page = father.get("/account/apps").content.decode()
    assert "تطبيق سهل" in page and "Sahl app" not in page
    app_id = User.objects.get(civil_id=demo["father"]).oauth2_provider_accesstoken.get().application_id

    response = father.post("/account/apps", {"app": str(app_id)})

    assert response.status_code == 302
    assert bearer(answer["access_token"]).status_code == 401
    assert refresh(client_id, answer["refresh_token"])["status"] == 400
    assert "تطبيق سهل" not in father.get("/account/apps").content.decode()
    entry = AuditEntry.objects.filter(kind="app_revoked", subject_civil_id=demo["father"]).last()
    assert entry is not None and entry.detail == "revoked: Sahl app"
    # Taking back an app that holds nothing is told, not a 500.
    again = father.post("/account/apps", {"app": str(app_id)}, follow=True)
    assert again.status_code == 200
    assert father.post("/account/apps", {"app": "x" * 40}).status_code == 302


def test_a_tampered_consent_form_is_refused_in_the_persons_language(login, demo, client_id):
    refused = login(demo["father"], "en").post("/oauth/authorize", {"allow": "on", "client_id": client_id})
    assert refused.status_code == 400
    assert "The app's request was refused" in refused.content.decode()


def test_the_openapi_document_names_each_operations_scope():
    document = json.loads((Path(__file__).resolve().parents[2] / "docs/openapi.json").read_text())
    scheme = document["components"]["securitySchemes"]["SahlApp"]
    assert scheme["type"] == "oauth2"
    flow = scheme["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "/oauth/authorize" and flow["tokenUrl"] == "/oauth/token"
    assert {"openid", "profile", "applications", "wallet"} <= set(flow["scopes"])
    operations = {
        (method, path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert operations["get", "/api/v1/applications"]["security"] == [
        {"SahlApp": ["applications"]},
        {"SessionAuth": []},
    ]
    assert {"SahlApp": ["wallet"]} in operations["get", "/api/v1/wallet/documents"]["security"]
    acting = {"$ref": "#/components/parameters/ActingFor"}
    assert acting in operations["get", "/api/v1/applications"]["parameters"]
    # The back office, staff's notices and the agencies' API are not for apps.
    for (_, path), operation in operations.items():
        if path.startswith(("/api/v1/backoffice", "/api/v1/agency", "/api/v1/notices")):
            assert all("SahlApp" not in requirement for requirement in operation.get("security", [])), path
