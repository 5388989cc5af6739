"""Issue 17, point 7: after approval, the application's page and the approval's message say how
the result arrives: at the PACI kiosk in a governorate from a day, or by courier to the
registered address (partly shown) by a day. The facts come from the service's definition."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone

from sahl.backoffice import services as backoffice
from sahl.core.working_days import add_working_days, kuwait_holidays
from sahl.identity.models import User
from sahl.notifications.models import Message
from sahl.registry.geo import AREAS
from sahl.registry.models import Passport, Person
from tests.integration.conftest import apply, paid, run_tasks

pytestmark = pytest.mark.django_db

RENEWAL = "moi.passport-renewal"
ISOLATES = re.compile("[\u2066-\u2069\u200e\u200f]")


def handover_on(client, reference: str) -> str | None:
    html = client.get(f"/applications/{reference}").content.decode()
    match = re.search(r'<p id="handover">(.*?)</p>', html, re.S)
    return ISOLATES.sub("", unescape(re.sub(r"<[^>]+>", "", match.group(1)))).strip() if match else None


def renew_civil_id(login, demo, delivery: str) -> tuple[str, object, object]:
    """The father's card expires in a month; he renews it (automatic: done once paid)."""
    person = Person.objects.get(civil_id=demo["father"])
    person.civil_id_expiry = timezone.localdate() + dt.timedelta(days=30)
    person.save(update_fields=["civil_id_expiry"])
    english, arabic = login(demo["father"], "en"), login(demo["father"], "ar")
    reference = paid(
        english, apply(english, "paci.civil-id-renewal", {"delivery": delivery, "contact_phone": "51234567"})
    )
    run_tasks()  # the worker writes the messages
    return reference, english, arabic


def day(working_days: int) -> str:
    return add_working_days(timezone.localdate(), working_days, kuwait_holidays()).isoformat()


def messages_of(civil_id: str, reference: str) -> list[Message]:
    return list(Message.objects.filter(recipient__civil_id=civil_id, application__reference=reference))


def test_a_kiosk_renewal_says_which_governorates_kiosk_and_from_when(login, demo):
    reference, english, arabic = renew_civil_id(login, demo, "kiosk")
    ready = day(1)
    assert (
        handover_on(english, reference)
        == f"You can collect it at a PACI kiosk in Hawalli governorate from {ready}."
    )
    assert handover_on(arabic, reference) == (
        f"يمكنك الاستلام من أحد أجهزة الهيئة الآلية في محافظة حولي ابتداءً من {ready}."
    )
    # The message that says it is done says it too, in the person's language.
    told = [m for m in messages_of(demo["father"], reference) if m.event in ("approved", "completed")]
    assert told, "no message says the renewal is done"
    expected = {
        "en": f"You can collect it at a PACI kiosk in Hawalli governorate from {ready}.",
        "ar": f"يمكنك الاستلام من أحد أجهزة الهيئة الآلية في محافظة حولي ابتداءً من {ready}.",
    }
    for message in told:
        assert expected[message.language] in message.body


def test_a_courier_renewal_names_the_registered_area_and_when(login, demo):
    reference, english, arabic = renew_civil_id(login, demo, "courier")
    area = next(a for a in AREAS if a["code"] == Person.objects.get(civil_id=demo["father"]).area)
    by = day(3)
    assert handover_on(english, reference) == (
        f"It comes by courier to the registered address ({area['name_en']}, Hawalli), expected by {by} "
        "(at most 3 working days after the approval)."
    )
    assert handover_on(arabic, reference) == (
        f"يصلك بالتوصيل إلى العنوان المسجل ({area['name_ar']}، حولي)، ويُتوقع وصوله بحلول {by} "
        "(مدة أقصاها 3 أيام عمل من الموافقة)."
    )
    told = [m for m in messages_of(demo["father"], reference) if m.event in ("approved", "completed")]
    assert told and all(by in m.body and ("courier" in m.body or "بالتوصيل" in m.body) for m in told)


def test_nothing_is_promised_before_approval_nor_after_a_refusal(login, demo):
    father = login(demo["father"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = paid(father, apply(father, RENEWAL, {"passport_number": passport, "delivery": "kiosk"}))
    assert handover_on(father, reference) is None  # in review
    caseworker = User.objects.get(civil_id=demo["caseworker"])
    backoffice.take(caseworker, reference)
    backoffice.reject(caseworker, reference, "The photo is not clear.")
    assert handover_on(father, reference) is None


def test_a_passport_approved_by_the_caseworker_names_the_self_service_machine(login, demo):
    father = login(demo["father"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = paid(father, apply(father, RENEWAL, {"passport_number": passport, "delivery": "kiosk"}))
    caseworker = User.objects.get(civil_id=demo["caseworker"])
    backoffice.take(caseworker, reference)
    backoffice.approve(caseworker, reference)
    assert handover_on(father, reference) == (
        f"You can collect it at a self-service machine at a national identity centre from {day(2)}."
    )
