"""Issue 17, point 19: before an official notice is sent, the caseworker sees the addressee's name
partly masked (in the page's language), so that a mistyped civil ID is caught. Only Confirm sends,
once, to the civil ID whose name was shown and with the text shown; the lookup is in the person's
access log and counted per staff member."""

from __future__ import annotations

import html
import re

import pytest
from django.core import signing
from limits import parse_many

from sahl.audit.models import AuditEntry
from sahl.core.masked_names import masked
from sahl.identity import throttle
from sahl.notifications import notices
from sahl.notifications.models import Message, Notice, NoticeRecipient
from sahl.registry.models import Person
from tests.integration.conftest import confirmation_in
from tests.integration.test_notices import unknown_civil_id

pytestmark = pytest.mark.django_db

NOTICES = "/backoffice/notices"
SUMMONS = {
    "subject": "استدعاء للحضور أمام المحكمة",
    "body": "يُرجى الحضور إلى محكمة الرقعي،\r\nالدائرة المدنية الثالثة، الساعة التاسعة صباحاً.",
}
NOT_CONFIRMED = {
    "ar": "تغيّر الرقم المدني أو نص الإشعار بعد عرض اسم صاحب الإشعار. تحقّق من صاحب الإشعار مرة أخرى قبل الإرسال.",
    "en": "The civil ID or the text changed after the addressee's name was shown. Check the addressee again before sending.",
}


def check(client, civil_id: str, **fields: str):
    return client.post(NOTICES, {"civil_id": civil_id, **SUMMONS, **fields})


def confirm(client, civil_id: str, confirmation: str, **fields: str):
    return client.post(
        NOTICES, {"civil_id": civil_id, **SUMMONS, "step": "confirm", "confirmation": confirmation, **fields}
    )


def page_of(response) -> str:
    return html.unescape(response.content.decode())


def shown_name(response) -> str:
    match = re.search(r'id="addressee-name"><bdi>([^<]*)</bdi>', response.content.decode())
    assert match, "no addressee's name on the page"
    return html.unescape(match.group(1))


def nothing_sent() -> bool:
    return not Notice.objects.exists() and not Message.objects.filter(kind="notice").exists()


def lookups_of(civil_id: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(kind="data_read", data="notice_addressee", subject_civil_id=civil_id)
    )


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_first_step_shows_the_name_partly_masked_in_the_pages_language_and_sends_nothing(
    login, demo, language
):
    father = Person.objects.get(civil_id=demo["father"])
    staff = login(demo["caseworker"], language)

    answer = check(staff, demo["father"])

    assert answer.status_code == 200
    name = father.name_ar if language == "ar" else father.name_en
    assert shown_name(answer) == masked(name)
    assert shown_name(answer).split()[0][0] == name[0] and "*" in shown_name(answer)
    page = page_of(answer)
    assert father.name_ar not in page and father.name_en not in page  # neither name in full
    assert masked(father.name_en if language == "ar" else father.name_ar) not in page  # one language
    assert demo["father"] in page and SUMMONS["subject"] in page
    assert nothing_sent()
    # The lookup read the father's data: his access log says who, for which agency, and what.
    (entry,) = lookups_of(demo["father"])
    assert entry.actor_civil_id == demo["caseworker"] and entry.agency is not None
    assert entry.agency.code == "moi"
    log = page_of(login(demo["father"], "en").get("/account/access-log"))
    assert "Your name, checked before an official notice was sent to you" in log


@pytest.mark.parametrize("language", ["ar", "en"])
def test_confirming_sends_exactly_one_notice_even_when_confirmed_twice(login, demo, language):
    staff = login(demo["caseworker"], language)
    confirmation = confirmation_in(check(staff, demo["father"]))

    sent = confirm(staff, demo["father"], confirmation)
    again = confirm(staff, demo["father"], confirmation)  # a second click, or the browser's back

    assert sent.status_code == 302 and again["Location"] == sent["Location"]
    (notice,) = Notice.objects.all()
    assert sent["Location"].endswith(f"/backoffice/notices/{notice.reference}")
    assert notice.civil_id == demo["father"] and notice.subject == SUMMONS["subject"]
    assert notice.body == SUMMONS["body"]  # the text as typed, line breaks and all
    assert list(NoticeRecipient.objects.values_list("civil_id", flat=True)) == [demo["father"]]
    assert Message.objects.filter(kind="notice", recipient__civil_id=demo["father"]).count() == 1
    assert len(lookups_of(demo["father"])) == 1  # confirming looks nothing up again


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ar", "لا يوجد هذا الرقم المدني في السجل المدني."),
        ("en", "This civil ID is not in the civil register."),
    ],
)
def test_an_unknown_civil_id_is_refused_in_the_first_step_and_nothing_is_sent(login, demo, language, text):
    staff = login(demo["caseworker"], language)
    unknown = unknown_civil_id()

    answer = check(staff, unknown)

    assert answer.status_code == 400
    page = page_of(answer)
    assert text in page and 'aria-invalid="true"' in page
    assert 'name="confirmation"' not in page
    assert f'value="{unknown}"' in page and SUMMONS["subject"] in page  # what was typed is kept
    assert nothing_sent() and not lookups_of(unknown)


def test_back_shows_the_form_as_typed_and_looks_nothing_up(login, demo):
    staff = login(demo["caseworker"], "en")
    check(staff, demo["father"], due_on="2099-01-31")

    back = staff.post(
        NOTICES, {"civil_id": demo["father"], **SUMMONS, "due_on": "2099-01-31", "step": "back"}
    )

    assert back.status_code == 200
    page = page_of(back)
    assert 'name="confirmation"' not in page and 'id="addressee-name"' not in page
    assert f'value="{demo["father"]}"' in page and f'value="{SUMMONS["subject"]}"' in page
    assert f">{SUMMONS['body']}</textarea>" in page and 'value="2099-01-31"' in page
    assert nothing_sent() and len(lookups_of(demo["father"])) == 1


@pytest.mark.parametrize(
    "tampered",
    [
        "another civil ID",
        "another subject",
        "another text",
        "another due date",
        "a forged confirmation",
        "no confirmation",
    ],
)
@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_tampered_confirmation_sends_nothing(login, demo, language, tampered):
    staff = login(demo["caseworker"], language)
    confirmation = confirmation_in(check(staff, demo["father"]))
    civil_id, fields = demo["father"], {}
    if tampered == "another civil ID":
        civil_id = demo["mother"]
    elif tampered == "another subject":
        fields = {"subject": "موضوع آخر"}
    elif tampered == "another text":
        fields = {"body": "نص آخر"}
    elif tampered == "another due date":
        fields = {"due_on": "2099-01-31"}
    elif (
        tampered == "a forged confirmation"
    ):  # the father's, rewritten for the mother, signed without the key
        civil_id = demo["mother"]
        confirmed = signing.loads(confirmation, salt=notices._SALT) | {"civil_id": civil_id}
        confirmation = signing.dumps(confirmed, key="not the secret key", salt=notices._SALT)
    else:
        confirmation = ""

    answer = confirm(staff, civil_id, confirmation, **fields)

    assert answer.status_code == 400
    assert NOT_CONFIRMED[language] in page_of(answer)
    assert nothing_sent()


def test_an_expired_confirmation_sends_nothing(login, demo, monkeypatch):
    staff = login(demo["caseworker"], "en")
    confirmation = confirmation_in(check(staff, demo["father"]))
    monkeypatch.setattr(notices, "CONFIRMATION_SECONDS", -1)

    answer = confirm(staff, demo["father"], confirmation)

    assert answer.status_code == 400
    assert "was shown more than 30 minutes ago" in page_of(answer)
    assert nothing_sent()


def test_another_agencys_staff_cannot_use_the_confirmation_and_a_citizen_cannot_look_up(login, demo):
    confirmation = confirmation_in(check(login(demo["caseworker"]), demo["father"]))

    other_agency = login(demo["paci-staff"], "en")
    refused = confirm(other_agency, demo["father"], confirmation)
    assert refused.status_code == 400 and NOT_CONFIRMED["en"] in page_of(refused)

    citizen = login(demo["mother"])
    assert check(citizen, demo["father"]).status_code == 404
    assert confirm(citizen, demo["father"], confirmation).status_code == 404
    assert citizen.post(NOTICES, {"civil_id": demo["father"], **SUMMONS, "step": "back"}).status_code == 404
    assert nothing_sent()
    assert len(lookups_of(demo["father"])) == 1  # the caseworker's alone


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ar", "لقد تحقّقت من أسماء كثيرة في وقت قصير"),
        ("en", "You have checked many addressees in a short time"),
    ],
)
def test_lookups_are_limited_per_staff_member(login, demo, monkeypatch, language, text):
    monkeypatch.setitem(throttle.LIMITS, "notice.addressee", tuple(parse_many("3 per 10 minutes")))
    staff = login(demo["caseworker"], language)
    assert check(staff, demo["father"]).status_code == 200
    assert check(staff, unknown_civil_id()).status_code == 400  # an unknown civil ID counts too
    confirmation = confirmation_in(check(staff, demo["mother"]))

    refused = check(staff, demo["newborn"])

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert text in page_of(refused) and 'id="addressee-name"' not in page_of(refused)
    assert not lookups_of(demo["newborn"])
    # Confirming what was checked before is not a lookup: it still sends.
    assert confirm(staff, demo["mother"], confirmation).status_code == 302
    # Another staff member has their own count.
    assert check(login(demo["paci-staff"], language), demo["newborn"]).status_code == 200
