"""Issue 17, point 2: one language per person. Switching the pages' language makes it the person's
language, which their messages follow (inbox, e-mail, SMS); logging in brings the pages to it; the
settings page has one choice for both; the inbox shows each message in the page's language."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.test import Client

from sahl.identity.models import User
from sahl.notifications.models import Message
from sahl.sms_sim.models import SimulatedSms
from tests.conftest import DEMO_PASSWORD
from tests.integration.conftest import apply, reference_of, run_tasks
from tests.integration.test_one_message_per_step import when_due_later

pytestmark = pytest.mark.django_db

LANGUAGE_COOKIE = "sahl_language"
RENEWAL = "moi.vehicle-registration-renewal"


def language_of(civil_id: str) -> str:
    return User.objects.get(civil_id=civil_id).preferred_language


def logged_in(civil_id: str, cookie: str | None = None) -> tuple[Client, object]:
    """A browser (with this language cookie, or none) logging in; the client and the login's answer."""
    client = Client()
    if cookie:
        client.cookies[LANGUAGE_COOKIE] = cookie
    answer = client.post("/accounts/login/", {"login": civil_id, "password": DEMO_PASSWORD})
    assert answer.status_code == 302 and "_auth_user_id" in client.session
    return client, answer


def switch(client: Client, language: str, next_path: str = "/inbox"):
    answer = client.post("/language", {"language": language, "next": next_path})
    assert answer.status_code == 302 and answer["Location"] == next_path
    return answer


def test_the_demo_expatriate_reads_english_and_the_kuwaiti_arabic(demo):
    assert language_of(demo["expat"]) == "en"
    assert language_of(demo["father"]) == "ar"


@pytest.mark.parametrize(("person", "cookie", "language"), [("expat", "ar", "en"), ("father", "en", "ar")])
def test_logging_in_brings_the_pages_to_the_persons_language(demo, person, cookie, language):
    client, answer = logged_in(demo[person], cookie)  # this browser last showed the other language
    assert answer.cookies[LANGUAGE_COOKIE].value == language
    page = client.get("/inbox")
    assert f'<html lang="{language}"' in page.content.decode()
    assert language_of(demo[person]) == language  # the choice on this browser did not change it


def test_a_language_chosen_just_before_logging_in_becomes_the_persons_language(demo):
    client = Client()
    switch(client, "en", "/accounts/login/")
    client.post("/accounts/login/", {"login": demo["father"], "password": DEMO_PASSWORD})
    assert language_of(demo["father"]) == "en"
    assert '<html lang="en"' in client.get("/inbox").content.decode()


def test_switching_in_the_header_changes_the_language_of_pages_and_messages(demo):
    father, _ = logged_in(demo["father"])
    father.post(
        "/account/notifications",
        {"email": "", "phone": "+96560001234", "notify_by_sms": "1", "language": "ar"},
    )
    answer = switch(father, "en")

    assert answer.cookies[LANGUAGE_COOKIE].value == "en"
    assert language_of(demo["father"]) == "en"
    reference = reference_of(apply(father, RENEWAL, {"plate_number": "12-10001"}))
    assert father.post(f"/applications/{reference}/withdraw").status_code == 302
    run_tasks()
    message = Message.objects.get(recipient__civil_id=demo["father"])
    assert message.language == "en" and message.subject.startswith(f"Your application {reference}")

    switch(father, "ar")
    assert language_of(demo["father"]) == "ar"


def test_an_anonymous_switch_changes_only_the_page(demo):
    answer = switch(Client(), "en", "/")
    assert answer.cookies[LANGUAGE_COOKIE].value == "en"
    assert language_of(demo["father"]) == "ar"


def test_the_settings_page_has_one_language_for_pages_and_messages(demo):
    father, _ = logged_in(demo["father"])
    page = father.get("/account/notifications").content.decode()
    assert page.count("<select") == 1 and 'id="p-language"' in page  # beside the header's switch
    saved = father.post("/account/notifications", {"email": "", "phone": "", "language": "en"})
    assert saved.status_code == 302 and saved.cookies[LANGUAGE_COOKIE].value == "en"
    assert language_of(demo["father"]) == "en"
    assert "Your settings were saved." in father.get(saved["Location"]).content.decode()


def test_the_sms_goes_in_the_persons_language(demo):
    expat, _ = logged_in(demo["expat"])
    expat.post(
        "/account/notifications",
        {"email": "", "phone": "+96560001234", "notify_by_sms": "1", "language": "en"},
    )
    switch(expat, "ar")
    reference = reference_of(apply(expat, RENEWAL, {"plate_number": "45-20002"}))
    run_tasks()
    when_due_later()  # left unpaid: asked to pay, by SMS too
    asked = Message.objects.get(recipient__civil_id=demo["expat"])
    assert asked.event == "payment_due" and asked.language == "ar"
    sms = SimulatedSms.objects.get(to="+96560001234")
    assert sms.text == f"سهل: رسوم معاملتك رقم {reference} مستحقة: 10.000 د.ك."


def test_the_inbox_shows_each_message_in_the_pages_language(demo):
    father, _ = logged_in(demo["father"])
    reference = reference_of(apply(father, RENEWAL, {"plate_number": "12-10001"}))
    assert father.post(f"/applications/{reference}/withdraw").status_code == 302
    run_tasks()
    message = Message.objects.get(recipient__civil_id=demo["father"])
    arabic, english = message.subject, message.other_subject
    assert message.language == "ar" and arabic != english and english.startswith("Your application")

    father.cookies[LANGUAGE_COOKIE] = "en"
    inbox = read(father.get("/inbox"))
    assert english in inbox and arabic not in inbox
    opened = read(father.get(f"/inbox/{message.pk}"))
    assert english in opened and message.other_body.splitlines()[0] in opened

    father.cookies[LANGUAGE_COOKIE] = "ar"
    inbox = read(father.get("/inbox"))
    assert arabic in inbox and english not in inbox


def read(response) -> str:
    """The page's text as a person reads it: no markup, no isolation around references."""
    return re.sub(r"[\u2066-\u2069]", "", html.unescape(re.sub(r"<[^>]+>", "", response.content.decode())))


def test_a_message_stored_in_one_language_is_shown_in_it_and_marked(demo):
    """Messages written before they were kept in both languages have only the one they went in."""
    father = User.objects.get(civil_id=demo["father"])
    older = Message.objects.create(
        recipient=father,
        kind="application",
        event="submitted",
        language="ar",
        subject="رسالة قديمة",
        body="نص",
    )
    client, _ = logged_in(demo["father"])
    client.cookies[LANGUAGE_COOKIE] = "en"
    inbox = client.get("/inbox").content.decode()
    assert f'href="/inbox/{older.pk}" lang="ar" dir="auto">' in inbox


def test_the_api_gives_messages_in_the_persons_language(demo):
    expat, _ = logged_in(demo["expat"])
    reference = reference_of(apply(expat, RENEWAL, {"plate_number": "45-20002"}))
    assert expat.post(f"/applications/{reference}/withdraw").status_code == 302
    run_tasks()
    listed = expat.get("/api/v1/inbox", HTTP_ACCEPT_LANGUAGE="ar").json()["messages"]
    assert listed[0]["language"] == "en" and listed[0]["subject"].startswith("Your application")
    assert not SimulatedSms.objects.exists()  # no SMS chosen: none sent


def test_my_data_holds_each_message_in_both_languages(demo):
    father, _ = logged_in(demo["father"])
    reference = reference_of(apply(father, RENEWAL, {"plate_number": "12-10001"}))
    assert father.post(f"/applications/{reference}/withdraw").status_code == 302
    run_tasks()
    message = Message.objects.get(recipient__civil_id=demo["father"])
    answer = father.get("/account/my-data.json")
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    export = json.loads(body)
    [row] = [m for m in export["sections"]["messages"] if m["application"] == reference]
    assert (row["language"], row["subject"]) == ("ar", message.subject)
    assert row["other_subject"] == message.other_subject and row["other_subject"].startswith(
        "Your application"
    )
    assert row["other_body"] == message.other_body != ""
