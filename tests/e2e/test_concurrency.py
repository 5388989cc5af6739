"""A nervous double (or twentyfold) click files one application, even when the clicks race.

Plain HTTP against the real server (gunicorn, several processes and threads): no browser needed.
"""

import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.helpers import HttpClient, Response, hidden_input, reference_in

# CI: both databases; racing clicks: how the database serialises them is the story (tests/ci_sides.py).
pytestmark = pytest.mark.every_database

SERVICE = "moi.lost-document-report"  # no conditions, no documents: the mother can always file it
CLICKS = 20


@pytest.fixture
def mother(server) -> HttpClient:
    return HttpClient(server).log_in("mother")


def test_twenty_simultaneous_submissions_with_one_key_file_one_application(mother):
    # Given the mother's filled-in form, with the one idempotency key the page gave it
    form = mother.get(f"/services/{SERVICE}/apply")
    assert form.status == 200
    body = {
        "csrfmiddlewaretoken": hidden_input(form.text, "csrfmiddlewaretoken"),
        "idempotency_key": hidden_input(form.text, "idempotency_key"),
        "document_type": "civil_id",
        "loss_date": "2026-01-10",
        "loss_place": "سوق المباركية",
        "details": "",
        "submit": "1",
    }

    # When the same form is sent 20 times at once, each from its own copy of the session
    start = threading.Barrier(CLICKS)

    def click(client: HttpClient) -> Response:
        start.wait(timeout=30)
        return client.post(f"/services/{SERVICE}/apply", body)

    with ThreadPoolExecutor(max_workers=CLICKS) as pool:
        answers = list(pool.map(click, [mother.clone() for _ in range(CLICKS)]))

    # Then every answer sends her to the same application
    assert [a.status for a in answers] == [302] * CLICKS, [a.text[:300] for a in answers if a.status != 302]
    references = {reference_in(a.location) for a in answers}
    assert len(references) == 1
    (reference,) = references

    # And her list holds exactly one application for this service: that one
    listing = mother.get("/applications")
    rows = [row for row in listing.text.split("<tr>")[1:] if "بلاغ فقدان مستند" in row]
    assert len(rows) == 1
    assert f'href="/applications/{reference}"' in rows[0]
    assert mother.get(f"/applications/{reference}").status == 200


def test_ten_simultaneous_pay_clicks_lead_to_one_payment_page_and_one_charge(mother):
    # Given an application whose fee is due
    reference = mother.apply(
        "moi.traffic-accident-certificate",
        {
            "accident_date": "2026-03-01",
            "governorate": "KW-AH",
            "report_number": "AH-2026-0007",
            "plate_number": "3-77122",
            "purpose": "insurance",
        },
    )

    # When "pay" is pressed ten times at once (tabs, double clicks)
    start = threading.Barrier(10)

    def click(client: HttpClient) -> Response:
        start.wait(timeout=30)
        return client.post(f"/applications/{reference}/pay", {})

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(click, [mother.clone() for _ in range(10)]))

    # Then every click goes to the same payment page at the gateway
    assert [a.status for a in answers] == [302] * 10, [a.text[:300] for a in answers if a.status != 302]
    pages = {a.location for a in answers}
    assert len(pages) == 1 and "/sim/knet/pay/" in next(iter(pages))

    # And paying it twice (two tabs) charges once: the second sees it already processed
    mother.pay(reference)
    again = mother.get(urllib.parse.urlsplit(next(iter(pages))).path)
    assert "This payment was already processed" in again.text
    detail = mother.get(f"/applications/{reference}").text
    assert detail.count('id="payment-') == 1 and "مدفوعة" in detail
