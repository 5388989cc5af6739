"""The inbox, notification settings and SMS: what people see and what reaches their phone."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sahl.identity import kept
from sahl.identity.models import User
from sahl.notifications.channels import header_id
from sahl.notifications.models import Message
from sahl.outbox.models import Delivery
from sahl.sms_sim.models import SimulatedSms
from sahl.ui.templatetags.sahl import with_codes
from tests.integration.conftest import apply, paid, proof_of_payment, reference_of, run_tasks

pytestmark = pytest.mark.django_db

PREFS = "/account/notifications"


def settings_of(civil_id: str) -> tuple:
    user = User.objects.get(civil_id=civil_id)
    return user.email, user.phone, user.notify_by_email, user.notify_by_sms, user.preferred_language


def sell_the_fathers_car(login, demo) -> str:
    """The father files the sale; the worker then writes the messages about it (after commit)."""
    father = login(demo["father"])
    answers = {"plate_number": "12-10001", "buyer_civil_id": demo["expat"], "payment_method": "bank_transfer"}
    reference = reference_of(apply(father, "moi.vehicle-ownership-transfer", answers, proof_of_payment()))
    run_tasks()
    return reference


# --- Settings ------------------------------------------------------------------------------------------


def test_the_settings_page_needs_a_login_and_speaks_both_languages(login, demo):
    assert Client().get(PREFS).status_code == 302
    arabic = login(demo["father"]).get(PREFS).content.decode()
    assert "إعدادات الإشعارات" in arabic and 'name="csrfmiddlewaretoken"' in arabic
    english = login(demo["father"], "en").get(PREFS).content.decode()
    assert "Notification settings" in english and "Sahl's pages and your messages" in english


def test_settings_are_saved_in_one_form(login, demo):
    client = login(demo["father"], "en")
    answer = client.post(
        PREFS,
        {
            "email": " Ahmad@Example.COM ",
            "phone": "5123 4567",
            "notify_by_email": "1",
            "notify_by_sms": "1",
            "language": "en",
        },
    )
    assert answer.status_code == 302 and answer["Location"] == f"{PREFS}?saved=1"
    assert settings_of(demo["father"]) == ("Ahmad@example.com", "+96551234567", True, True, "en")
    page = client.get(answer["Location"]).content.decode()
    assert "Your settings were saved." in page and "+96551234567" in page


@pytest.mark.parametrize(
    ("language", "fields", "field", "text"),
    [
        ("ar", {"email": "ahmad@", "phone": "51234567"}, "email", "عنوان البريد الإلكتروني غير صحيح"),
        ("en", {"email": "ahmad@example.com", "phone": "4123456"}, "phone", "This phone number is not valid"),
        ("ar", {"email": "", "phone": "+966512345678"}, "phone", "رقم الهاتف غير صحيح"),
        ("en", {"email": "", "phone": "", "notify_by_email": "1"}, "email", "Enter your e-mail address"),
    ],
)
def test_a_malformed_email_or_phone_is_refused_with_a_field_error_and_nothing_is_saved(
    login, demo, language, fields, field, text
):
    before = settings_of(demo["father"])
    client = login(demo["father"], language)
    answer = client.post(PREFS, {"language": "en", "notify_by_sms": "1"} | fields)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert text in page
    assert f'aria-describedby="e-{field}"' in page or f'e-{field}"' in page
    assert settings_of(demo["father"]) == before


def test_the_settings_form_checks_the_csrf_token(login, demo):
    client = login(demo["father"])
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.post(PREFS, {"email": "x@example.com", "language": "ar"}).status_code == 403
    assert settings_of(demo["father"])[0] == ""


def test_settings_through_the_api(login, demo):
    client = login(demo["mother"], "en")
    assert client.get("/api/v1/me/notification-settings").json() == {
        "email": "",
        "phone": "",
        "notify_by_email": False,
        "notify_by_sms": False,
        "language": "ar",
    }
    bad = client.put(
        "/api/v1/me/notification-settings",
        json.dumps({"email": "fatima at example", "phone": "99999", "language": "en"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    problem = bad.json()
    assert set(problem["fields"]) == {"email", "phone"}
    assert problem["fields"]["phone"]["ar"].startswith("رقم الهاتف غير صحيح")
    assert problem["fields"]["email"]["en"].startswith("This e-mail address is not valid")
    assert settings_of(demo["mother"])[:2] == ("", "")
    good = client.put(
        "/api/v1/me/notification-settings",
        json.dumps(
            {
                "email": "fatima@example.com",
                "phone": "+965 9876 5432",
                "notify_by_sms": True,
                "language": "en",
            }
        ),
        content_type="application/json",
    )
    assert good.status_code == 200
    assert good.json()["phone"] == "+96598765432"
    assert Client().get("/api/v1/me/notification-settings").status_code == 401


# --- Messages about applications ------------------------------------------------------------------


def test_the_buyer_asked_to_agree_gets_a_message_in_their_own_language(login, demo):
    buyer = login(demo["expat"], "ar")
    buyer.post(PREFS, {"email": "", "phone": "", "language": "en"})  # messages in English, pages in Arabic
    reference = sell_the_fathers_car(login, demo)

    message = Message.objects.get(recipient__civil_id=demo["expat"])
    assert message.event == "consent_requested" and message.language == "en"
    assert (
        message.subject == f"Your agreement is needed on application {reference}: Vehicle ownership transfer"
    )
    assert message.link == f"/applications/{reference}"
    seller = Message.objects.get(recipient__civil_id=demo["father"])
    assert seller.event == "submitted" and seller.language == "ar"
    assert seller.subject == f"استلمنا معاملتك رقم {reference}: نقل ملكية مركبة"

    inbox = buyer.get("/inbox").content.decode()
    assert with_codes(message.subject) in inbox  # its reference isolated
    assert 'lang="en"' in inbox


def events_of(civil_id: str) -> list[str]:
    return list(
        Message.objects.filter(recipient__civil_id=civil_id).order_by("pk").values_list("event", flat=True)
    )


def test_when_the_buyer_declines_the_seller_hears_that_it_was_cancelled(login, demo):
    reference = sell_the_fathers_car(login, demo)
    buyer = login(demo["expat"], "en")
    assert buyer.post(f"/applications/{reference}/consent", {"agree": "no"}).status_code == 302
    run_tasks()
    assert events_of(demo["father"]) == ["submitted", "cancelled"]
    assert events_of(demo["expat"]) == ["consent_requested"]  # not told what they just did themselves


def test_when_the_seller_withdraws_the_buyer_hears_it(login, demo):
    reference = sell_the_fathers_car(login, demo)
    assert login(demo["father"]).post(f"/applications/{reference}/withdraw").status_code == 302
    run_tasks()
    assert events_of(demo["father"]) == ["submitted", "withdrawn"]
    assert events_of(demo["expat"]) == ["consent_requested", "party_update"]
    update = Message.objects.get(recipient__civil_id=demo["expat"], event="party_update")
    # In the buyer's language (the demo's expatriate reads English), and in Arabic for the inbox.
    assert update.language == "en"
    assert update.subject == f"Application {reference} is now: Withdrawn"
    assert update.other_subject == f"حالة المعاملة رقم {reference}: مسحوبة"
    assert update.other_body == (
        f"حالة المعاملة «نقل ملكية مركبة» رقم {reference}، التي أنت طرف فيها، هي الآن: مسحوبة."
    )


def test_an_application_approved_by_the_caseworker_tells_the_applicant_in_the_inbox(login, demo):
    from sahl.backoffice import services as backoffice
    from sahl.registry.models import Passport

    father = login(demo["father"])
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = paid(
        father, apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
    )
    caseworker = User.objects.get(civil_id=demo["caseworker"])
    backoffice.take(caseworker, reference)
    backoffice.approve(caseworker, reference)
    run_tasks()

    # One message per step: paid at once (no "please pay"), the fee received and sent to the
    # agency, then approved and completed.
    assert events_of(demo["father"]) == ["payment_received", "completed"]
    run_tasks()  # the worker again: nothing is told twice
    assert events_of(demo["father"]) == ["payment_received", "completed"]
    done = Message.objects.get(recipient__civil_id=demo["father"], event="completed")
    assert done.subject == f"أُنجزت معاملتك رقم {reference}: تجديد جواز السفر"
    assert done.other_subject == f"Your application {reference} is completed: Passport renewal"
    assert "يمكنك الاستلام من أحد أجهزة الخدمة الذاتية في مراكز الهوية الوطنية ابتداءً من" in done.body


def test_sms_goes_to_the_chosen_phone_without_personal_data(login, demo):
    login(demo["expat"], "ar").post(
        PREFS, {"phone": "+965 6000 1234", "notify_by_sms": "1", "language": "ar"}
    )
    reference = sell_the_fathers_car(login, demo)  # runs the worker: the message, then its SMS

    sms = SimulatedSms.objects.get()
    assert sms.to == "+96560001234"
    assert sms.text == f"سهل: مطلوبة موافقتك على المعاملة رقم {reference}. افتح سهل للرد."
    assert len(sms.text) <= 70
    for personal in (demo["expat"], demo["father"], "Rajesh", "راجيش", "Ahmad", "أحمد", "12-10001"):
        assert personal not in sms.text
    delivery = Delivery.objects.get(channel="sms")
    assert delivery.state == "sent" and delivery.attempts == 1 and sms.reference == header_id(delivery)
    assert delivery.address == "+96560001234" and delivery.payload["text"] == sms.text

    run_tasks()  # nothing left to do: still one SMS
    assert SimulatedSms.objects.count() == 1

    # The simulator's outbox page shows it (the simulators are off in production: test_simulators).
    outbox = Client().get("/dev/sms").content.decode()
    assert sms.text in outbox and "+96560001234" in outbox


# --- The inbox ----------------------------------------------------------------------------------------


def test_opening_a_message_marks_it_read_and_shows_its_delivery_log(login, demo):
    sell_the_fathers_car(login, demo)
    buyer = login(demo["expat"], "en")
    message = Message.objects.get(recipient__civil_id=demo["expat"])
    home = buyer.get("/").content.decode()
    assert "Inbox" in home and '1<span class="visually-hidden"> unread</span>' in home

    page = buyer.get(f"/inbox/{message.pk}").content.decode()
    assert with_codes(message.subject) in page and "Delivery log" in page and "Sahl inbox" in page
    message.refresh_from_db()
    assert message.read_at is not None
    assert User.objects.get(civil_id=demo["expat"]).unread_messages == 0
    assert "unread</span>" not in buyer.get("/inbox").content.decode()
    first_read = message.read_at
    buyer.get(f"/inbox/{message.pk}")
    message.refresh_from_db()
    assert message.read_at == first_read  # the first opening is the one recorded


def test_another_persons_message_answers_404(login, demo):
    sell_the_fathers_car(login, demo)
    message = Message.objects.get(recipient__civil_id=demo["expat"])
    other = login(demo["mother"], "en")
    assert other.get(f"/inbox/{message.pk}").status_code == 404
    assert other.get(f"/api/v1/inbox/{message.pk}").status_code == 404
    assert other.get("/inbox/999999").status_code == 404
    assert Message.objects.get(pk=message.pk).read_at is None
    assert Client().get("/inbox").status_code == 302


def test_the_inbox_through_the_api(login, demo):
    sell_the_fathers_car(login, demo)
    buyer = login(demo["expat"], "en")
    inbox = buyer.get("/api/v1/inbox").json()
    assert inbox["unread"] == 1 and inbox["page"] == 1 and not inbox["has_next"]
    (listed,) = inbox["messages"]
    assert listed["event"] == "consent_requested" and listed["read_at"] is None
    detail = buyer.get(f"/api/v1/inbox/{listed['id']}").json()
    assert detail["read_at"] is not None and detail["link"].startswith("/applications/")
    assert detail["deliveries"] == []  # the buyer chose no e-mail or SMS
    assert buyer.get("/api/v1/inbox").json()["unread"] == 0


def fill_inbox(user: User, count: int) -> None:
    Message.objects.bulk_create(
        Message(
            recipient=user,
            kind="application",
            event="submitted",
            language="ar",
            subject=f"رسالة {n}",
            body="-",
        )
        for n in range(count)
    )
    User.objects.filter(pk=user.pk).update(unread_messages=Message.objects.filter(recipient=user).count())
    kept.forget(user.pk)  # as notifications.sending does: the header's counter (ADR 0044)


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_inbox_runs_a_fixed_number_of_queries_however_many_messages(login, demo):
    user = User.objects.get(civil_id=demo["mother"])
    client = login(demo["mother"])
    fill_inbox(user, 3)
    client.get("/inbox")  # the person is read again after the change, then kept (identity.kept)
    few = queries(client, "/inbox")
    fill_inbox(user, 60)
    client.get("/inbox")
    many = queries(client, "/inbox")
    assert few == many == 3  # session, the page of messages, unread count (the person is kept)
    assert queries(client, "/inbox?page=3") == many
    page = client.get("/inbox?page=2").content.decode()
    assert "رسائل أحدث" in page and "رسائل أقدم" in page
    assert client.get("/inbox?page=0").status_code == 400
    assert client.get("/inbox?page=x").status_code == 400


def test_a_drifted_unread_counter_is_set_right_by_the_inbox(login, demo):
    user = User.objects.get(civil_id=demo["mother"])
    fill_inbox(user, 2)
    User.objects.filter(pk=user.pk).update(unread_messages=40)
    client = login(demo["mother"], "en")
    client.get("/inbox")
    assert User.objects.get(pk=user.pk).unread_messages == 2
