"""A caseworker rejects a paid passport renewal: within seconds the person sees the fee refunded,
and the gateway refunded it once. The server runs as `make run` runs it (gunicorn with threads, the
background worker, the simulated gateway on the same server), on SQLite or on PostgreSQL."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _fresh_database, _serve_on
from tests.e2e.helpers import civil_id, log_in, open_until, operator_logs_in, pay_on_gateway, serious

# CI: SQLite; the operator's pages are checked after the story, on the same server, and the gateway
# is the simulator `make run` serves (tests/ci_sides.py).
pytestmark = pytest.mark.told_on_sqlite

REFUNDED = "Refunded to you"


class Served:
    def __init__(self, base: str, var: Path, database: dict[str, str]) -> None:
        self.base, self.var, self.url = base, var, database.get("DATABASE_URL", "")

    def rows(self, sql: str, *params: object) -> list[tuple]:
        """Read the server's database as an operator would (the gateway shares it in the demo)."""
        if self.url.startswith("postgres"):
            import psycopg

            with psycopg.connect(self.url) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(self.var / "sahl.sqlite3") as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    import os

    tmp = tmp_path_factory.mktemp("refund")
    with _fresh_database(tmp, "e2e_refund") as database:
        for base in _serve_on(tmp, os.environ | database):
            yield Served(base, tmp, database)


@pytest.fixture(scope="module")
def server(served: Served) -> str:
    return served.base


def test_a_rejected_paid_passport_renewal_is_refunded_once_and_the_person_sees_it(page, open_page, served):
    # Ahmad applies for a passport renewal and pays the fee on the gateway's page.
    log_in(page, "father", "/services/moi.passport-renewal/apply")
    page.locator("select[name=passport_number]").select_option(f"K{civil_id('father')[-8:]}")
    page.locator("select[name=delivery]").select_option("kiosk")
    page.locator("button[name=submit]").click()
    page.wait_for_url(re.compile(r"/applications/[\w-]+$"))
    reference = page.url.rsplit("/", 1)[-1]
    pay_on_gateway(page)
    expect(page.locator("#payment-1")).to_have_text("مدفوعة")

    # The caseworker takes it and rejects it.
    staff = open_page("en-US")
    log_in(staff, "caseworker", f"/backoffice/cases/{reference}")
    staff.get_by_role("button", name="Take this case").click()
    staff.locator("textarea[name=reason]").fill("The passport was reported lost")
    staff.get_by_role("button", name="Reject", exact=True).click()
    expect(staff.locator("main")).to_contain_text("Rejected")

    # Within seconds, Ahmad sees the fee refunded on his application.
    page.context.add_cookies([{"name": "sahl_language", "value": "en", "url": served.base}])
    open_until(page, f"/applications/{reference}", REFUNDED, seconds=60)  # about 2 s when idle

    # The gateway refunded the payment once: one refund asked of it, one payment refunded.
    (intent,) = served.rows(
        "SELECT p.id, p.reference, p.state FROM payments_paymentintent p "
        "JOIN applications_application a ON a.id = p.application_id WHERE a.reference = ?",
        reference,
    )
    assert intent[2] == "refunded"
    assert served.rows("SELECT state FROM knet_sim_simpayment WHERE merchant_reference = ?", intent[1]) == [
        ("REFUNDED",)
    ]
    refunds = served.rows(
        "SELECT a.outcome FROM outbox_attempt a JOIN outbox_delivery d ON d.id = a.delivery_id "
        "WHERE d.channel = 'refund' AND d.topic = ?",
        f"payment:{intent[0]}",
    )
    assert refunds == [("sent",)]


@pytest.mark.presentation  # accessibility and layout: the same on every database
@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_operators_outbox_and_events_pages_are_accessible_on_a_phone(browser, served, language):
    """After the story above, the operator sees the refund in the outbox, on a 360-pixel phone."""
    context = browser.new_context(
        base_url=served.base, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    operator_logs_in(page)
    context.add_cookies([{"name": "sahl_language", "value": language, "url": served.base}])

    page.goto("/operators/outbox?channel=refund")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("#deliveries tbody tr")).to_have_count(1)
    expect(page.locator("#deliveries tbody tr")).to_contain_text("أُرسل" if language == "ar" else "Sent")
    assert serious(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto("/operators/events")
    expect(page.locator("h1")).to_be_visible()
    assert serious(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
