from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import DEMO_PASSWORD


@pytest.fixture
def login(db):
    """`login(civil_id, language="ar")` gives a client logged in as that person."""

    def make(civil_id: str, language: str = "ar") -> Client:
        client = Client()
        client.cookies["sahl_language"] = language
        response = client.post("/accounts/login/", {"login": civil_id, "password": DEMO_PASSWORD})
        assert response.status_code == 302, "demo login failed"
        return client

    return make


def form_key(client: Client, code: str) -> str:
    """The idempotency key the apply form carries, as a browser would send it back."""
    html = client.get(f"/services/{code}/apply").content.decode()
    match = re.search(r'name="idempotency_key" value="(\w+)"', html)
    assert match, "the apply form has no idempotency key (not eligible?)"
    return match.group(1)


def apply(client: Client, code: str, answers: dict, files: dict | None = None, key: str | None = None):
    return client.post(
        f"/services/{code}/apply",
        answers | (files or {}) | {"idempotency_key": key or form_key(client, code)},
    )


def reference_of(response) -> str:
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"].rsplit("/", 1)[1]
