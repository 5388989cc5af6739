"""Pages about applications run a fixed number of queries, however long the history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sahl.registry.models import Passport
from tests.integration.conftest import apply, paid

pytestmark = pytest.mark.django_db


def count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.fixture
def case(login, demo):
    father = login(demo["father"])
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = paid(
        father, apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
    )
    return father, login(demo["caseworker"]), reference


def test_application_pages_have_fixed_query_counts(case):
    father, caseworker, reference = case
    measured = {
        "mine": count(father, "/applications"),
        "detail": count(father, f"/applications/{reference}"),
        "queue": count(caseworker, "/backoffice/"),
        "case": count(caseworker, f"/backoffice/cases/{reference}"),
    }
    # More history must not mean more queries.
    caseworker.post(f"/backoffice/cases/{reference}/take")
    caseworker.post(f"/backoffice/cases/{reference}/request-information", {"message": "photo"})
    assert count(father, f"/applications/{reference}") == measured["detail"]
    assert count(caseworker, f"/backoffice/cases/{reference}") == measured["case"]
    assert measured == EXPECTED


# detail: 9 of the 19 read the registers, to show the chosen records by their names; 1 asks whether the
# application was delivered to the agency's system.
# case: 5 of the 15 record the read in the audit log (savepoint, lock the head, insert, move the head).
EXPECTED = {"mine": 4, "detail": 19, "queue": 7, "case": 15}
