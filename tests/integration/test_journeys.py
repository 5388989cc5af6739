"""Life-event journeys: a birth or a marriage entered in the registers starts one by itself; what
needs nothing runs by itself, offers wait for one tap, forms are prepared; both members see it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from sahl.applications.models import Application, IssuedDocument
from sahl.core.bilingual import BilingualText
from sahl.events.models import Event
from sahl.journeys import publishing, services
from sahl.journeys.models import Entry, Journey, Step
from sahl.registry import services as register
from sahl.registry.adapters import NewBirth
from tests.integration.conftest import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _published(db):
    publishing.load_journeys()


def a_birth(demo, number: str = "B-2026-000777", **changes) -> NewBirth:
    today = timezone.localdate()
    fields = {
        "notification_number": number,
        "hospital": "maternity",
        "mother_civil_id": demo["mother"],
        "father_civil_id": demo["father"],
        "name": BilingualText("مريم أحمد المطيري", "Mariam Ahmad Al-Mutairi"),
        "sex": "F",
        "birth_date": today - dt.timedelta(days=1),
    }
    return NewBirth(**(fields | changes))


def states(journey: Journey) -> dict[str, str]:
    return dict(journey.steps.values_list("key", "state"))


def test_a_birth_starts_the_newborn_journey_and_runs_what_needs_nobody(demo):
    recorded = register.record_birth(a_birth(demo), timezone.localdate())
    run_tasks()

    journey = Journey.objects.get(code="newborn", record=recorded.record)
    assert set(journey.members.values_list("role", "civil_id")) == {
        ("father", demo["father"]),
        ("mother", demo["mother"]),
    }
    found = states(journey)
    assert found["birth_certificate"] == "done"
    assert found["health_file"] == "done"
    assert found["family_record"] == "done"
    assert found["child_allowance"] == "offered"  # Ahmad is a Kuwaiti government employee
    assert found["passport"] == "waiting_for_you"
    assert found["civil_id"] == "waiting_for_you"
    assert found["residency"] == "not_applicable"
    assert found["civil_id_resident"] == "not_applicable"
    residency = journey.steps.get(key="residency")
    assert "Kuwaiti" in residency.reason_en and "كويتي" in residency.reason_ar

    # The birth certificate is in the father's wallet already.
    certificate = journey.steps.get(key="birth_certificate").application
    assert certificate is not None and certificate.state == "completed"
    assert IssuedDocument.objects.filter(application=certificate, document="birth_certificate").exists()
    assert certificate.form_data["child_name_en"] == "Mariam Ahmad Al-Mutairi"

    # The passport's form is waiting, filled in with the child.
    passport = journey.steps.get(key="passport").application
    assert passport is not None and passport.state == "draft"
    assert passport.form_data == {"for_whom": "child", "child_civil_id": recorded.child.civil_id}
    # The civil ID's form names the other parent: the mother, as the father files it.
    civil_id = journey.steps.get(key="civil_id").application
    assert civil_id is not None and civil_id.form_data["other_parent_civil_id"] == demo["mother"]
    assert civil_id.form_data["child_name_ar"] == "مريم أحمد المطيري"
    # ... and the birth certificate's number, from the step before.
    issued = IssuedDocument.objects.get(application=certificate)
    assert civil_id.form_data["birth_certificate_number"] == issued.verification_code

    # Both parents are told once that it started.
    started = Event.objects.filter(type="journey.started", subject=f"journey:{journey.reference}")
    assert started.count() == 1
    assert Entry.objects.filter(journey=journey, kind="started").count() == 1


def test_the_same_birth_heard_twice_is_one_journey(demo):
    birth = a_birth(demo)
    first = register.record_birth(birth, timezone.localdate())
    again = register.record_birth(birth, timezone.localdate())
    assert again.record == first.record and not again.created
    run_tasks()
    services.start_from_birth(first.record)  # a listener run again
    assert Journey.objects.filter(code="newborn").count() == 1
    journey = Journey.objects.get(code="newborn")
    step = journey.steps.get(key="birth_certificate")
    assert (
        Application.objects.filter(
            service__code="moh.birth-certificate", form_data__birth_notification_number="B-2026-000777"
        ).count()
        == 1
    )
    assert step.state == "done"


def test_an_offer_is_confirmed_with_one_tap_by_either_parent(demo):
    from sahl.identity.models import User

    recorded = register.record_birth(a_birth(demo), timezone.localdate())
    run_tasks()
    journey = Journey.objects.get(record=recorded.record)
    father = User.objects.get(civil_id=demo["father"])
    step = services.confirm(father, journey.reference, "child_allowance")
    run_tasks()
    step.refresh_from_db()
    assert step.state == "done"
    assert step.application is not None and step.application.form_data == {
        "child_civil_id": recorded.child.civil_id
    }
    # A second tap (or the mother's) files nothing more.
    mother = User.objects.get(civil_id=demo["mother"])
    services.confirm(mother, journey.reference, "child_allowance")
    assert Application.objects.filter(service__code="csc.child-allowance", applicant=father).count() == 1


def test_another_persons_journey_is_not_found(demo):
    from sahl.core.errors import NotFound
    from sahl.identity.models import User

    recorded = register.record_birth(a_birth(demo), timezone.localdate())
    run_tasks()
    journey = Journey.objects.get(record=recorded.record)
    stranger = User.objects.get(civil_id=demo["expat"])
    with pytest.raises(NotFound):
        services.confirm(stranger, journey.reference, "child_allowance")
    assert journey.steps.get(key="child_allowance").state == "offered"


def test_a_marriage_starts_the_married_journey_with_steps_that_do_not_apply(demo):
    from sahl.registry.models import Person

    husband = Person.objects.get(civil_id=demo["expat"])
    wife = (
        Person.objects.filter(sex="F", marital_status="single", birth_date__lt=dt.date(2000, 1, 1))
        .exclude(nationality="KW")
        .first()
        or Person.objects.filter(sex="F", marital_status="single", birth_date__lt=dt.date(2000, 1, 1)).first()
    )
    assert wife is not None
    recorded = register.record_marriage(
        "MC-2026-1", husband.civil_id, wife.civil_id, timezone.localdate(), timezone.localdate()
    )
    run_tasks()
    journey = Journey.objects.get(code="married", record=recorded.record)
    found = states(journey)
    assert found["marital_status"] == "waiting_for_you" or found["marital_status"] == "pending"
    assert found["marriage_loan"] == "not_applicable"  # an expatriate husband
    assert found["housing"] == "not_applicable"
    assert Step.objects.get(journey=journey, key="marriage_loan").reason_en.startswith("The marriage loan")


def test_the_journey_page_shows_each_step_to_both_parents_and_nobody_else(demo, login):
    recorded = register.record_birth(a_birth(demo), timezone.localdate())
    run_tasks()
    journey = Journey.objects.get(record=recorded.record)
    url = f"/my-journeys/{journey.reference}"

    father = login(demo["father"], "en")
    page = father.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "The newborn journey" in text
    assert "3 of 6 steps done" in text  # 8 steps, 2 do not apply for a Kuwaiti baby
    assert "The baby is Kuwaiti and needs no residence permit." in text
    assert "Confirm: Child allowance" in text
    assert "Mariam Ahmad Al-Mutairi" in text  # the offer's summary names the child

    mother = login(demo["mother"], "ar")
    page = mother.get(url)
    assert page.status_code == 200
    assert "رحلة المولود الجديد" in page.content.decode()

    assert login(demo["expat"]).get(url).status_code == 404
    assert login(demo["father"]).get("/my-journeys/J-NOTAJOURNEY").status_code == 404


def test_confirming_an_offer_on_the_page_files_it_once(demo, login):
    recorded = register.record_birth(a_birth(demo), timezone.localdate())
    run_tasks()
    journey = Journey.objects.get(record=recorded.record)
    father = login(demo["father"], "en")
    url = f"/my-journeys/{journey.reference}/steps/child_allowance/confirm"
    assert father.get(url).status_code == 405
    response = father.post(url)
    assert response.status_code == 302
    father.post(url)
    run_tasks()
    assert journey.steps.get(key="child_allowance").state == "done"
    assert Application.objects.filter(service__code="csc.child-allowance").count() == 1
    page = father.get(f"/my-journeys/{journey.reference}").content.decode()
    assert "4 of 6 steps done" in page
    assert "Confirmed the offer" in page


def test_a_person_married_abroad_starts_the_married_journey_themselves(demo, login):
    from sahl.registry.models import Person

    wife = Person.objects.get(civil_id=demo["mother"])
    client = login(demo["father"], "en")
    bad = client.post("/journeys/married/start", {"spouse_civil_id": "123", "married_on": "2020-01-01"})
    assert bad.status_code == 400
    assert "spouse" in bad.content.decode()
    assert Journey.objects.filter(code="married").count() == 0
    response = client.post(
        "/journeys/married/start",
        {"spouse_civil_id": wife.civil_id, "married_on": "2024-02-01", "contract_number": "ABROAD-1"},
    )
    assert response.status_code == 302
    journey = Journey.objects.get(code="married")
    assert journey.facts["marriage"]["abroad"] is True
    assert set(journey.members.values_list("role", flat=True)) == {"husband", "wife"}
    assert client.get(response["Location"]).status_code == 200
    assert login(demo["mother"]).get(response["Location"]).status_code == 200
    # The newborn journey cannot be started by hand.
    assert client.get("/journeys/newborn/start").status_code == 404


def test_the_demo_shows_a_newborn_journey_half_done_and_a_married_journey(demo):
    from sahl.demo import journeys as demo_journeys

    started = demo_journeys.seed(demo, timezone.localdate())
    assert len(started) == 2
    assert demo_journeys.seed(demo, timezone.localdate()) == []  # once
    newborn = Journey.objects.get(code="newborn")
    assert {m.civil_id for m in newborn.members.all()} == {demo["father"], demo["mother"]}
    assert list(states(newborn).values()).count("done") == 3
    married = Journey.objects.get(code="married")
    assert states(married)["spouse_residency"] == "not_applicable"
    assert states(married)["social_allowance"] == "offered"


def test_the_api_lists_my_journeys_shows_one_and_confirms_an_offer(demo, login):
    recorded = register.record_birth(a_birth(demo), timezone.localdate())
    run_tasks()
    journey = Journey.objects.get(record=recorded.record)
    father = login(demo["father"], "en")
    listed = father.get("/api/v1/me/journeys").json()
    assert [j["reference"] for j in listed] == [journey.reference]
    assert (
        listed[0]["steps_done"] == 3 and listed[0]["steps_counted"] == 6 and listed[0]["waiting_for_you"] == 3
    )

    one = father.get(f"/api/v1/me/journeys/{journey.reference}").json()
    steps = {s["key"]: s for s in one["steps"]}
    assert one["role"] == "father"
    assert steps["residency"]["state"] == "not_applicable"
    assert steps["residency"]["reason"]["ar"] and steps["residency"]["reason"]["en"]
    assert steps["birth_certificate"]["application"]
    assert steps["child_allowance"]["offer"][0]["value"]["en"] == "Mariam Ahmad Al-Mutairi"

    stranger = login(demo["expat"], "en")
    assert stranger.get(f"/api/v1/me/journeys/{journey.reference}").status_code == 404
    url = f"/api/v1/me/journeys/{journey.reference}/steps/child_allowance/confirm"
    assert stranger.post(url, headers={"X-CSRFToken": stranger.cookies["csrftoken"].value}).status_code == 404
    token = {"X-CSRFToken": father.cookies["csrftoken"].value}
    confirmed = father.post(url, headers=token)
    assert confirmed.status_code == 200, confirmed.content
    again = father.post(url, headers=token)
    assert again.status_code == 200
    run_tasks()
    assert Application.objects.filter(service__code="csc.child-allowance").count() == 1
    assert father.get(f"/api/v1/me/journeys/{journey.reference}/steps/nothing/confirm").status_code == 405
    assert (
        father.post(
            f"/api/v1/me/journeys/{journey.reference}/steps/nothing/confirm", headers=token
        ).status_code
        == 404
    )


def test_a_logged_in_persons_home_is_their_own(demo, login):
    recorded = register.record_birth(a_birth(demo), timezone.localdate())
    run_tasks()
    journey = Journey.objects.get(record=recorded.record)
    page = login(demo["father"], "en").get("/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Needs your action" in text and "Coming up" in text
    assert f"/my-journeys/{journey.reference}" in text  # steps wait for him
    assert "<strong>Passport</strong>: expires in" in text  # the demo father's passport expires soon
    visitor_client = Client()
    visitor_client.cookies["sahl_language"] = "en"
    visitor = visitor_client.get("/").content.decode()
    assert "Needs your action" not in visitor and "Life-event journeys" in visitor


def test_both_parents_get_one_message_when_the_journey_starts(demo):
    from sahl.identity.models import User
    from sahl.notifications.models import Message

    father, mother = (User.objects.get(civil_id=demo[k]) for k in ("father", "mother"))
    before = {
        u.pk: set(Message.objects.filter(recipient=u).values_list("pk", flat=True)) for u in (father, mother)
    }
    recorded = register.record_birth(a_birth(demo), timezone.localdate())
    run_tasks()
    run_tasks()
    journey = Journey.objects.get(record=recorded.record)
    for user in (father, mother):
        told = Message.objects.filter(recipient=user, kind="journey").exclude(pk__in=before[user.pk])
        assert [m.event for m in told] == ["journey_started"], user.pk
        message = told.get()
        assert message.link == f"/my-journeys/{journey.reference}"
        assert journey.reference in message.subject
        assert "Birth certificate" in (message.body + message.other_body)  # what Sahl did at once


def test_one_bad_file_publishes_nothing_and_the_command_says_why(tmp_path):
    from django.core.management import CommandError, call_command

    from sahl.journeys.definition import JourneyDefinitionError
    from sahl.journeys.models import JourneyVersion

    for name in ("married.yaml", "newborn.yaml"):
        text = (publishing.DEFINITIONS / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(
            text.replace("The married journey", "The wedding journey"), encoding="utf-8"
        )
    broken = (
        (tmp_path / "newborn.yaml")
        .read_text(encoding="utf-8")
        .replace("moi.passport-issuance", "moi.passport-x")
    )
    (tmp_path / "newborn.yaml").write_text(broken, encoding="utf-8")
    before = JourneyVersion.objects.count()
    with pytest.raises(JourneyDefinitionError, match=r"step passport: unknown service 'moi\.passport-x'"):
        publishing.load_journeys(tmp_path)
    assert JourneyVersion.objects.count() == before  # not even the married journey's new version
    call_command("load_journeys")  # the shipped files: nothing new
    assert JourneyVersion.objects.count() == before
    with pytest.raises(CommandError, match=r"newborn\.yaml: step passport: unknown service"):
        call_command("load_journeys", directory=tmp_path)


def test_a_refused_step_says_why_and_what_next_and_the_others_go_on(demo, login):
    from sahl.applications import deciding
    from sahl.applications import filing as applications_filing
    from sahl.identity.models import User

    recorded = register.record_birth(a_birth(demo), timezone.localdate())
    run_tasks()
    journey = Journey.objects.get(record=recorded.record)
    father = User.objects.get(civil_id=demo["father"])
    draft = journey.steps.get(key="passport").application
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    files = {
        code: SimpleUploadedFile(f"{code}.png", png, content_type="image/png")
        for code in ("nationality_certificate", "personal_photo")
    }
    filed = applications_filing.submit(father, "moi.passport-issuance", draft.form_data, files, "passport-1")
    assert filed.pk == draft.pk  # the journey's draft is what he filed
    run_tasks()
    assert journey.steps.get(key="passport").state == "in_progress"
    before = states(journey)

    locked = Application.objects.get(pk=filed.pk)
    locked.state = "in_review"  # as after the fee was paid (the fee is not this test's subject)
    locked.save(update_fields=["state"])
    from django.db import transaction

    with transaction.atomic():
        deciding.reject(locked, None, "The photo is not clear")
    run_tasks()

    step = journey.steps.get(key="passport")
    assert step.state == "failed"
    assert "The photo is not clear" in step.reason_en and "apply for this service yourself" in step.reason_en
    assert "The photo is not clear" in step.reason_ar
    after = states(journey)
    assert {k: v for k, v in after.items() if k != "passport"} == {
        k: v for k, v in before.items() if k != "passport"
    }
    page = login(demo["mother"], "en").get(f"/my-journeys/{journey.reference}").content.decode()
    assert "Did not go through" in page and "The photo is not clear" in page


def test_a_members_consent_given_earlier_in_the_journey_is_not_asked_again(demo, tmp_path):
    """A journey whose two steps need the wife's agreement as the spouse: she agrees to the first;
    the second goes on without asking her again, and both histories say so."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sahl.applications import filing as applications_filing
    from sahl.applications import responding
    from sahl.applications.models import Party
    from sahl.identity.models import User
    from tests.integration.test_agency_api import PDF

    text = (publishing.DEFINITIONS / "married.yaml").read_text(encoding="utf-8")
    text += """  - key: fostering
    service: mosa.foster-care-application
    runs: form
    applicant: [husband]
    when: husband.is_kuwaiti
    reason: {ar: الاحتضان للأسر الكويتية., en: Fostering is for Kuwaiti families.}
    prefill: {spouse_civil_id: wife.civil_id}
"""
    (tmp_path / "married.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "newborn.yaml").write_text(
        (publishing.DEFINITIONS / "newborn.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    publishing.load_journeys(tmp_path)
    today = timezone.localdate()
    recorded = register.record_marriage("MC-CONSENT-1", demo["groom"], demo["bride"], today, today)
    run_tasks()
    journey = Journey.objects.get(record=recorded.record)
    husband, wife = User.objects.get(civil_id=demo["groom"]), User.objects.get(civil_id=demo["bride"])

    def pdfs(*codes: str) -> dict:
        return {c: SimpleUploadedFile(f"{c}.pdf", PDF, content_type="application/pdf") for c in codes}

    housing = journey.steps.get(key="housing").application
    answers = housing.form_data | {"housing_type": "house", "contact_phone": "99001122"}
    filed = applications_filing.submit(
        husband,
        "pahw.housing-application",
        answers,
        pdfs("marriage_contract", "nationality_certificates"),
        "h-1",
    )
    run_tasks()
    assert Party.objects.get(application=filed, civil_id=demo["bride"]).consent == "pending"
    responding.answer_consent(wife, filed.reference, agree=True)  # she agrees herself, once
    run_tasks()
    assert journey.steps.get(key="fostering").state == "waiting_for_you"

    foster = journey.steps.get(key="fostering").application
    answers = foster.form_data | {"child_sex": "any", "household_size": 2, "monthly_income": 1500}
    second = applications_filing.submit(
        husband,
        "mosa.foster-care-application",
        answers,
        pdfs("medical_fitness_certificate", "good_conduct_certificate", "income_proof"),
        "f-1",
    )
    run_tasks()
    assert Party.objects.get(application=second, civil_id=demo["bride"]).consent == "given"
    second.refresh_from_db()
    assert second.state == "in_review"
    assert Entry.objects.filter(journey=journey, kind="consent_reused", step="fostering").count() == 1
    # A journey's consent is its own: outside it, she is asked as anyone would be.
    assert not Entry.objects.filter(kind="consent_reused", step="housing").exists()


JOURNEYS_LISTENER = "sahl.journeys.receivers.application_moved"


@pytest.mark.parametrize("shared_cache", [True, False])
def test_only_applications_of_a_service_a_step_files_are_queued_for_journeys(
    demo, login, tmp_path, settings, shared_cache
):
    """The journeys' listener is not queued for the steps of a service no journey files (ADR 0073);
    a version that adds a step of that service is heard from its publication on, whether the set is
    kept in a shared cache (production) or read from the database (each process its own cache)."""
    if shared_cache:  # the filing throttle then counts in Redis (the cache stays in memory)
        from tests.redis_here import URL, redis_or_skip

        redis_or_skip(URL)
        settings.SAHL_CACHE_URL = URL
    from sahl.catalogue.models import Service
    from sahl.events.models import Handling
    from sahl.journeys import followed
    from tests.integration.conftest import reference_of

    renewal = Service.objects.get(code="moi.vehicle-registration-renewal")
    assert followed.follows(Service.objects.get(code="pahw.housing-application").pk)
    assert not followed.follows(renewal.pk)  # read once, and kept
    expat = login(demo["expat"])
    if shared_cache:  # the tests' Redis is shared by the test runs side by side
        from sahl.identity import throttle
        from sahl.identity.models import User

        throttle.clear("filing", str(User.objects.get(civil_id=demo["expat"]).pk))
    filed = expat.post(
        f"/services/{renewal.code}/apply", {"plate_number": "45-20002", "idempotency_key": "r-1"}
    )
    listeners = Handling.objects.filter(event__subject=f"application:{reference_of(filed)}")
    assert listeners.exists()
    assert not listeners.filter(subscriber=JOURNEYS_LISTENER).exists()

    text = (publishing.DEFINITIONS / "married.yaml").read_text(encoding="utf-8")
    text += """  - key: car
    service: moi.vehicle-registration-renewal
    runs: form
    applicant: [husband]
"""
    (tmp_path / "married.yaml").write_text(text, encoding="utf-8")
    publishing.load_journeys(tmp_path)
    assert followed.follows(renewal.pk)
