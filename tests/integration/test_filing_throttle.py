"""Filing is throttled per person (identity.throttle "filing": 30 submissions in 10 minutes, 300 a
day): past that the page and the API answer 429 in the person's language, file nothing and say when
to try again; other people file as usual. Time is simulated (the `clock` fixture)."""

import json
import re
import uuid

import pytest

from sahl.applications.models import Application
from sahl.registry.models import Passport
from tests.integration.conftest import apply

pytestmark = pytest.mark.django_db
SERVICE = "moi.passport-renewal"


def answers(civil_id: str) -> dict[str, str]:
    return {"passport_number": Passport.objects.get(holder__civil_id=civil_id).number, "delivery": "kiosk"}


def filed(civil_id: str) -> int:
    return Application.objects.filter(applicant__civil_id=civil_id).exclude(state="draft").count()


def test_thirty_submissions_in_ten_minutes_then_a_429_in_the_persons_language(login, demo, clock):
    father = login(demo["father"], "ar")
    for _ in range(30):  # a script sending incomplete forms: each one counts
        response = father.post(f"/services/{SERVICE}/apply", {"idempotency_key": uuid.uuid4().hex})
        assert response.status_code == 400
    before = filed(demo["father"])

    page = apply(father, SERVICE, answers(demo["father"]))
    assert page.status_code == 429 and 0 < int(page["Retry-After"]) <= 600
    text = page.content.decode()
    assert "قدّمت معاملات كثيرة" in text and re.search(r"بعد الساعة \d\d:\d\d", text)

    father.cookies["sahl_language"] = "en"
    api = father.post(
        "/api/v1/applications",
        {"service": SERVICE, "answers": json.dumps(answers(demo["father"]))},
        HTTP_IDEMPOTENCY_KEY="throttled-1",
    )
    assert api.status_code == 429 and api["Content-Type"] == "application/problem+json"
    assert 0 < int(api["Retry-After"]) <= 600
    problem = api.json()
    assert problem["code"] == "application.too_many" and problem["status"] == 429
    assert re.search(r"You can file again after \d\d:\d\d", problem["title"])
    assert "قدّمت معاملات كثيرة" in problem["messages"]["ar"]
    assert filed(demo["father"]) == before  # nothing was filed

    # Other people file as usual
    renewal = {"plate_number": "45-20002"}  # the expatriate's car
    assert apply(login(demo["expat"]), "moi.vehicle-registration-renewal", renewal).status_code == 302

    # Ten minutes later the person files again
    clock.advance(minutes=10)
    assert apply(father, SERVICE, answers(demo["father"])).status_code == 302
    assert filed(demo["father"]) == before + 1
