"""A nervous double (or twentyfold) click files one application, even when the clicks race.

Plain HTTP against the real server (gunicorn, several processes and threads): no browser needed.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.helpers import HttpClient, Response, hidden_input, reference_in

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
