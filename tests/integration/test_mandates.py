"""Acting for others: guardians of minors, powers of attorney issued by the Ministry of Justice,
one authorisation rule, refusals in the log, revocation stopping the very next request."""

import datetime as dt

import pytest
from django.utils import timezone

from sahl.applications.models import Application
from sahl.audit.models import AuditEntry
from sahl.mandates.models import Mandate
from sahl.registry.models import Person, Vehicle
from tests.conftest import DEMO_PASSWORD
from tests.integration.conftest import apply, documents_rendered, paid, pay, reference_of, run_tasks

pytestmark = pytest.mark.django_db
POA = "moj.power-of-attorney"
RENEWAL = "moi.vehicle-registration-renewal"
ADDRESS = "paci.address-certificate"


def act_for(client, civil_id: str):
    return client.post("/acting-as", {"subject": civil_id})


def poa_answers(demo, grantor: str, attorney: str, scope: str = "vehicles", **dates) -> dict:
    today = timezone.localdate()
    return {
        "grantor_name": "ignored: Sahl fills it from the register",
        "grantor_civil_id": demo[grantor],
        "attorney_civil_id": demo[attorney],
        "attorney_name": "Ahmad Khalid Al-Mutairi",
        "attorney_mobile": "99001122",
        "scope": scope,
        "start_date": dates.get("start", today).isoformat(),
        "end_date": dates.get("end", today + dt.timedelta(days=365)).isoformat(),
    }


def reauthenticate(client) -> None:
    """Type the password again, as Sahl asks before granting a power of attorney."""
    response = client.post("/accounts/reauthenticate/", {"password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]


def grant(login, demo, grantor="expat", attorney="father", scope="vehicles"):
    """The grantor files the power of attorney, the attorney accepts, the grantor pays: in force."""
    giver, holder = login(demo[grantor], "en"), login(demo[attorney], "en")
    reauthenticate(giver)
    reference = reference_of(apply(giver, POA, poa_answers(demo, grantor, attorney, scope)))
    accepted = holder.post(f"/applications/{reference}/consent", {"agree": "yes"})
    assert accepted.status_code == 302
    pay(giver, reference)
    return giver, holder, reference


# --- Guardians --------------------------------------------------------------------------------


def test_a_parent_applies_for_their_child_and_both_are_recorded(login, demo):
    father = login(demo["father"], "en")
    switched = act_for(father, demo["daughter"])
    assert switched.status_code == 302
    page = father.get("/applications").content.decode()
    assert "You are acting for" in page and "Sara Ahmad Al-Mutairi" in page

    reference = paid(father, apply(father, ADDRESS, {"language": "en"}))

    application = Application.objects.get(reference=reference)
    assert application.subject_civil_id == demo["daughter"]
    assert application.applicant.civil_id == demo["father"]
    assert application.state == "completed"
    assert application.documents.get().holder_civil_id == demo["daughter"]
    submitted = application.history.get(kind="submitted")
    assert submitted.actor.civil_id == demo["father"] and submitted.on_behalf_of == demo["daughter"]
    # The child's document is downloadable by the parent acting for her.
    document = application.documents.get()
    documents_rendered()
    assert father.get(f"/applications/{reference}/documents/{document.pk}").status_code == 200
    # Back to himself: the child's application is not his.
    act_for(father, demo["father"])
    assert father.get(f"/applications/{reference}").status_code == 404


def test_the_mother_is_a_guardian_too_but_a_stranger_is_refused_and_logged(login, demo):
    mother = login(demo["mother"], "en")
    assert act_for(mother, demo["newborn"]).status_code == 302
    expat = login(demo["expat"], "en")
    refused = act_for(expat, demo["daughter"])
    assert refused.status_code == 403
    assert "You may not act for this person" in refused.content.decode()
    entry = AuditEntry.objects.filter(kind="access_refused", subject_civil_id=demo["daughter"]).last()
    assert entry is not None and entry.actor_civil_id == demo["expat"]
    assert "sahl_acting_for" not in expat.session


def test_guardianship_ends_by_itself_on_the_18th_birthday(login, demo):
    father = login(demo["father"], "en")
    daughter = Person.objects.get(civil_id=demo["daughter"])
    today = timezone.localdate()
    daughter.birth_date = today.replace(year=today.year - 18) + dt.timedelta(days=1)
    daughter.save(update_fields=["birth_date"])
    assert act_for(father, demo["daughter"]).status_code == 302  # 17 until tomorrow

    daughter.birth_date = today.replace(year=today.year - 18)  # her 18th birthday is today
    daughter.save(update_fields=["birth_date"])
    refused = father.get("/applications")
    assert refused.status_code == 403
    assert "has ended" in refused.content.decode()
    assert "sahl_acting_for" not in father.session  # the next request is his own again
    assert father.get("/applications").status_code == 200


# --- Powers of attorney -----------------------------------------------------------------------


def test_a_power_of_attorney_is_filed_accepted_paid_and_in_force(login, demo):
    giver, holder, reference = grant(login, demo)

    application = Application.objects.get(reference=reference)
    assert application.state == "completed"
    kinds = list(application.history.values_list("kind", flat=True))
    assert kinds[:3] == ["submitted", "consent_given", "payment_due"] and kinds[-1] == "completed"
    mandate = Mandate.objects.get(application_reference=reference)
    assert (mandate.grantor_civil_id, mandate.attorney_civil_id) == (demo["expat"], demo["father"])
    assert mandate.scope == "vehicles" and mandate.revoked_at is None
    # Both parties see the Ministry of Justice application and the power in their pages.
    for client in (giver, holder):
        assert reference in client.get("/applications").content.decode()
        assert reference in client.get("/powers-of-attorney").content.decode()
    assert AuditEntry.objects.filter(kind="mandate_granted", application_reference=reference).count() == 2
    powers = holder.get("/acting-as").content.decode()
    assert "Rajesh Kumar" in powers


def test_the_attorney_renews_the_grantors_car_and_the_grantor_sees_who(login, demo):
    giver, holder, _ = grant(login, demo)
    act_for(holder, demo["expat"])

    reference = paid(holder, apply(holder, RENEWAL, {"plate_number": "45-20002"}))

    application = Application.objects.get(reference=reference)
    assert application.state == "completed" and application.subject_civil_id == demo["expat"]
    assert Vehicle.objects.get(plate="45-20002").owner.civil_id == demo["expat"]
    page = giver.get(f"/applications/{reference}").content.decode()
    assert "by Ahmad Khalid Al-Mutairi, acting for the applicant" in page
    log = giver.get("/account/access-log").content.decode()
    assert "Ahmad Khalid Al-Mutairi" in log and "Under a power of attorney" in log
    # He heard about it in his inbox, like his own applications (once the worker wrote the messages).
    run_tasks()
    assert renewal_seen(giver, reference)


def renewal_seen(client, reference: str) -> bool:
    return reference in client.get("/inbox").content.decode()


def test_the_attorney_is_refused_outside_the_granted_services_and_it_is_logged(login, demo):
    _, holder, _ = grant(login, demo)
    act_for(holder, demo["expat"])

    refused = holder.get(f"/services/{ADDRESS}/apply")

    assert refused.status_code == 403
    entry = AuditEntry.objects.filter(kind="access_refused", subject_civil_id=demo["expat"]).last()
    assert entry.actor_civil_id == demo["father"] and ADDRESS in entry.detail
    # Nor can anyone grant a power of attorney in someone else's name.
    assert holder.get(f"/services/{POA}/apply").status_code == 403


def test_the_attorney_sees_only_the_grantors_applications_the_power_reaches(login, demo):
    giver, holder, poa_reference = grant(login, demo)
    own = paid(giver, apply(giver, ADDRESS, {"language": "ar"}))
    renewal = paid(giver, apply(giver, RENEWAL, {"plate_number": "45-20002"}))
    act_for(holder, demo["expat"])

    listed = holder.get("/applications").content.decode()

    assert renewal in listed and own not in listed and poa_reference not in listed
    assert holder.get(f"/applications/{own}").status_code == 404


def test_revoking_stops_the_attorneys_very_next_request(login, demo):
    giver, holder, reference = grant(login, demo)
    act_for(holder, demo["expat"])
    assert holder.get("/applications").status_code == 200
    mandate = Mandate.objects.get(application_reference=reference)

    revoked = giver.post(f"/powers-of-attorney/{mandate.pk}/revoke", {"reason": "car sold"})

    assert revoked.status_code == 302
    refused = holder.get(f"/services/{RENEWAL}/apply")
    assert refused.status_code == 403 and "has ended" in refused.content.decode()
    assert AuditEntry.objects.filter(kind="access_refused", subject_civil_id=demo["expat"]).exists()
    assert AuditEntry.objects.filter(kind="mandate_revoked", subject_civil_id=demo["father"]).exists()
    # From now on he is himself, and switching back to the grantor is refused.
    assert holder.get("/applications").status_code == 200
    assert act_for(holder, demo["expat"]).status_code == 403
    assert giver.post(f"/powers-of-attorney/{mandate.pk}/revoke").status_code == 409


def test_an_expired_power_of_attorney_no_longer_works(login, demo):
    _, holder, reference = grant(login, demo)
    act_for(holder, demo["expat"])
    Mandate.objects.filter(application_reference=reference).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    assert holder.get("/applications").status_code == 403
    assert act_for(holder, demo["expat"]).status_code == 403
    refusals = AuditEntry.objects.filter(kind="access_refused", subject_civil_id=demo["expat"])
    assert refusals.filter(actor_civil_id=demo["father"]).count() == 2  # both attempts are in his log


def test_only_the_grantor_can_revoke(login, demo):
    _, holder, reference = grant(login, demo)
    mandate = Mandate.objects.get(application_reference=reference)
    other = login(demo["fines"], "en")
    assert other.post(f"/powers-of-attorney/{mandate.pk}/revoke").status_code == 404
    assert holder.post(f"/powers-of-attorney/{mandate.pk}/revoke").status_code == 404
    assert Mandate.objects.get(pk=mandate.pk).revoked_at is None


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 30), (0, -1), (0, 365 * 5 + 2)],
    ids=["starts in the past", "ends before it starts", "longer than five years"],
)
def test_bad_dates_are_refused_with_a_clear_error_and_nothing_is_filed(login, demo, start, end):
    giver = login(demo["expat"], "en")
    reauthenticate(giver)
    today = timezone.localdate()
    before = Application.objects.count()
    answers = poa_answers(
        demo, "expat", "father", start=today + dt.timedelta(days=start), end=today + dt.timedelta(days=end)
    )
    response = apply(giver, POA, answers)
    assert response.status_code == 400
    assert "The start date must be today or later" in response.content.decode()
    assert Application.objects.count() == before


def test_granting_asks_for_the_password_again(login, demo, settings):
    giver = login(demo["expat"], "en")
    response = apply(giver, POA, poa_answers(demo, "expat", "father"))
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    api = giver.post(
        "/api/v1/applications", {"service": POA, "answers": "{}"}, headers={"Idempotency-Key": "k1"}
    )
    assert api.status_code == 403 and api.json()["code"] == "reauthentication.required"
    assert not Application.objects.filter(service__code=POA, subject_civil_id=demo["expat"]).exists()
    # Once the password was typed again, and for a few minutes, it goes through.
    reauthenticate(giver)
    assert "/applications/" in apply(giver, POA, poa_answers(demo, "expat", "father"))["Location"]
    # ...but not an hour later.
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = -1
    again = apply(giver, POA, poa_answers(demo, "expat", "fines"))
    assert "/accounts/reauthenticate/" in again["Location"]


# --- The API asks the same rule ---------------------------------------------------------------


def test_the_api_acts_for_the_grantor_and_refuses_after_revocation(login, demo):
    giver, holder, reference = grant(login, demo)
    renewal = paid(giver, apply(giver, RENEWAL, {"plate_number": "45-20002"}))

    switched = holder.put("/api/v1/me/acting-as", {"subject": demo["expat"]}, content_type="application/json")
    assert switched.status_code == 200 and switched.json()["basis"] == "attorney"
    listed = holder.get("/api/v1/applications").json()
    assert [a["reference"] for a in listed] == [renewal]

    mandate = Mandate.objects.get(application_reference=reference)
    revoked = giver.post(
        f"/api/v1/me/mandates/{mandate.pk}/revoke", {"reason": ""}, content_type="application/json"
    )
    assert revoked.status_code == 200 and revoked.json()["in_force"] is False

    refused = holder.get(f"/api/v1/applications/{renewal}")
    assert refused.status_code == 403 and refused.json()["code"] == "mandate.ended"
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:sahl:problem:mandate.ended"
    assert set(refused.json()["messages"]) == {"ar", "en"}
    assert holder.get(f"/api/v1/applications/{renewal}").status_code == 404  # himself again


def test_the_api_lists_whom_a_person_may_act_for(login, demo):
    father = login(demo["father"], "en")
    powers = father.get("/api/v1/me/acting-as").json()
    by_subject = {p["subject"]: p for p in powers}
    assert by_subject[demo["father"]]["basis"] == "self" and by_subject[demo["father"]]["acting_now"]
    assert by_subject[demo["daughter"]]["basis"] == "guardian"
    assert by_subject[demo["newborn"]]["basis"] == "guardian"
    assert demo["mother"] not in by_subject  # a spouse is no guardian
    assert demo["expat"] not in by_subject


def test_the_demo_data_holds_an_active_power_of_attorney_filed_as_people_do(login, demo):
    from django.core.management import call_command

    call_command("seed_demo", people=0, verbosity=0)
    call_command("seed_demo", people=0, verbosity=0)  # a second run adds nothing

    mandate = Mandate.objects.get(grantor_civil_id=demo["mother"], attorney_civil_id=demo["father"])
    assert mandate.scope == "government" and mandate.revoked_at is None
    application = Application.objects.get(reference=mandate.application_reference)
    assert application.state == "completed" and application.service.code == POA
    father = login(demo["father"], "en")
    powers = {p["subject"]: p for p in father.get("/api/v1/me/acting-as").json()}
    assert powers[demo["mother"]]["basis"] == "attorney"
    assert mandate.application_reference in login(demo["mother"], "en").get("/applications").content.decode()


def test_both_people_find_the_power_of_attorney_in_their_data_export(login, demo):
    giver, holder, reference = grant(login, demo)
    for client, you_are, other in ((giver, "grantor", "father"), (holder, "attorney", "expat")):
        powers = client.get("/api/v1/me/data").json()["sections"]["mandates"]["powers_of_attorney"]
        assert [(p["reference"], p["you_are"], p["other"]["civil_id"]) for p in powers] == [
            (reference, you_are, demo[other])
        ]
        assert powers[0]["scope"] == "vehicles" and powers[0]["revoked_at"] is None
    assert login(demo["fines"], "en").get("/api/v1/me/data").json()["sections"]["mandates"] == {
        "powers_of_attorney": []
    }


def test_a_company_owner_acts_for_the_company_and_nobody_else_does(demo):
    from sahl.core.errors import Forbidden
    from sahl.identity.models import User
    from sahl.mandates import services
    from sahl.mandates.rules import Action, Basis

    owner, stranger = (User.objects.get(civil_id=demo[key]) for key in ("owner", "expat"))
    authority = services.authorize(owner, "CR-100001", None, Action.ACT_AS)
    assert authority.basis is Basis.SIGNATORY and "Al-Rashidi" in authority.subject_name.en
    with pytest.raises(Forbidden):
        services.authorize(stranger, "CR-100001", None, Action.ACT_AS)
    assert AuditEntry.objects.filter(kind="access_refused", subject_civil_id="CR-100001").count() == 1
