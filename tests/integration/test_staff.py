"""Agency staff appointed by the agencies themselves (issue 22): an operator names an agency's
administrator, the administrator names caseworkers and supervisors of their agency; every change is
audited, told to the person, and counts on their next request."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sahl.audit.models import AuditEntry
from sahl.catalogue.models import Agency
from sahl.core.civil_id import make_civil_id
from sahl.core.errors import Forbidden
from sahl.identity import staff
from sahl.identity.models import StaffMembership, User
from sahl.notifications.models import Message
from tests.integration.conftest import run_tasks

pytestmark = pytest.mark.django_db


def member_of(demo, key):
    return StaffMembership.objects.filter(user__civil_id=demo[key]).first()


def nobody_in_the_register() -> str:
    """A well-formed civil ID that no one in the population register holds."""
    from sahl.registry.adapters import registers

    numbers = (make_civil_id(dt.date(1961, 2, 3), serial) for serial in range(9800, 9900))
    return next(n.value for n in numbers if n is not None and registers().person(n.value) is None)


def test_an_operator_appoints_an_agency_administrator_who_is_told_and_sees_it_in_the_security_log(
    login, demo
):
    operator = login(demo["operator"], "en")
    page = operator.get("/operators/staff").content.decode()
    assert "Haifa Saad Al-Hajri" in page and "Ministry of Interior" in page  # the demo's administrator
    response = operator.post("/operators/staff", {"agency": "paci", "civil_id": demo["groom"]})
    assert response.status_code == 302
    membership = member_of(demo, "groom")
    assert (membership.agency.code, membership.role) == ("paci", "agency_admin")
    entry = AuditEntry.objects.filter(kind="staff_appointed", subject_civil_id=demo["groom"]).get()
    assert (entry.actor_civil_id, entry.agency.code, entry.detail) == (
        demo["operator"],
        "paci",
        "agency_admin",
    )
    run_tasks()
    told = Message.objects.get(recipient__civil_id=demo["groom"], event="staff_appointed")
    assert told.kind == "staff" and told.link == "/backoffice/"
    groom = login(demo["groom"], "en")
    log = groom.get("/account/access-log").content.decode()
    assert "Given a role on an agency&#x27;s staff — Agency administrator, Public Authority for Civil" in log
    assert "Salman Nasser Al-Otaibi" in log  # who did it
    inbox = groom.get(f"/inbox/{told.pk}").content.decode()
    assert "You are now Agency administrator at Public Authority for Civil Information" in inbox


def test_an_administrator_appoints_and_removes_a_caseworker_whose_next_request_is_refused(login, demo):
    admin = login(demo["moi-admin"], "en")
    page = admin.get("/backoffice/staff").content.decode()
    assert "Caseworker" in page
    assert (
        admin.post("/backoffice/staff", {"civil_id": demo["bride"], "role": "caseworker"}).status_code == 302
    )
    membership = member_of(demo, "bride")
    assert (membership.agency.code, membership.role) == ("moi", "caseworker")
    bride = login(demo["bride"], "en")
    assert bride.get("/backoffice/").status_code == 200  # her first page as a caseworker (kept login)
    confirm = admin.get(f"/backoffice/staff/{membership.pk}/remove")
    assert confirm.status_code == 200 and "Confirm the removal" in confirm.content.decode()
    assert StaffMembership.objects.filter(pk=membership.pk).exists()  # asking is not removing
    assert admin.post(f"/backoffice/staff/{membership.pk}/remove").status_code == 302
    assert not StaffMembership.objects.filter(pk=membership.pk).exists()
    assert bride.get("/backoffice/").status_code == 404  # her very next request
    entry = AuditEntry.objects.filter(kind="staff_removed", subject_civil_id=demo["bride"]).get()
    assert (entry.actor_civil_id, entry.detail) == (demo["moi-admin"], "caseworker")
    run_tasks()
    events = set(Message.objects.filter(recipient__civil_id=demo["bride"]).values_list("event", flat=True))
    assert {"staff_appointed", "staff_removed"} <= events


def test_a_role_changes_in_place_and_a_supervisor_is_appointed_the_same_way(login, demo):
    admin = login(demo["moi-admin"], "en")
    assert (
        admin.post("/backoffice/staff", {"civil_id": demo["caseworker"], "role": "supervisor"}).status_code
        == 302
    )
    assert member_of(demo, "caseworker").role == "supervisor"
    run_tasks()
    assert Message.objects.filter(recipient__civil_id=demo["caseworker"], event="staff_appointed").exists()


@pytest.mark.parametrize(
    ("who", "role", "status", "text"),
    [
        ("newcomer", "caseworker", 400, "has no Sahl account yet"),
        ("paci-staff", "caseworker", 409, "already works for another agency"),
        ("caseworker", "caseworker", 409, "already has the role of Caseworker at this agency"),
        ("bride", "agency_admin", 403, "an operator appoints agency administrators"),
        ("bride", "boss", 400, "Choose a role from the list."),
        ("nobody", "caseworker", 400, "not in the population register"),
        ("malformed", "caseworker", 400, "A civil ID has exactly 12 digits."),
    ],
)
def test_an_appointment_that_cannot_be_made_says_why_and_changes_nothing(
    login, demo, who, role, status, text
):
    civil_id = {"nobody": nobody_in_the_register(), "malformed": "12345"}.get(who) or demo[who]
    before = list(StaffMembership.objects.order_by("pk").values_list("pk", "user_id", "agency_id", "role"))
    admin = login(demo["moi-admin"], "en")
    audited = AuditEntry.objects.count()  # the login's entry is before
    response = admin.post("/backoffice/staff", {"civil_id": civil_id, "role": role})
    assert response.status_code == status
    assert text in response.content.decode()
    assert (
        list(StaffMembership.objects.order_by("pk").values_list("pk", "user_id", "agency_id", "role"))
        == before
    )
    assert AuditEntry.objects.count() == audited
    arabic = login(demo["moi-admin"], "ar").post("/backoffice/staff", {"civil_id": civil_id, "role": role})
    assert arabic.status_code == status and 'role="alert"' in arabic.content.decode()


def test_the_staff_pages_do_not_exist_for_others_nor_another_agencys_members(login, demo):
    paci = member_of(demo, "paci-staff")
    admin = login(demo["moi-admin"], "en")
    assert admin.get(f"/backoffice/staff/{paci.pk}/remove").status_code == 404
    assert admin.post(f"/backoffice/staff/{paci.pk}/remove").status_code == 404
    assert admin.get("/operators/staff").status_code == 404
    assert StaffMembership.objects.filter(pk=paci.pk).exists()
    caseworker = login(demo["caseworker"], "en")
    assert caseworker.get("/backoffice/staff").status_code == 404
    assert (
        caseworker.post("/backoffice/staff", {"civil_id": demo["bride"], "role": "caseworker"}).status_code
        == 404
    )
    assert caseworker.post(f"/backoffice/staff/{member_of(demo, 'moi-admin').pk}/remove").status_code == 404
    citizen = login(demo["father"], "en")
    for path in ("/backoffice/staff", "/operators/staff", f"/operators/staff/{paci.pk}/remove"):
        assert citizen.get(path).status_code == 404
    assert not StaffMembership.objects.filter(user__civil_id=demo["bride"]).exists()
    operator = login(demo["operator"], "en")
    assert operator.get(f"/operators/staff/{paci.pk}/remove").status_code == 404  # a caseworker: not theirs


def test_a_forged_form_without_the_csrf_token_is_refused(login, demo):
    admin = login(demo["moi-admin"], "en")
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = admin.cookies
    assert (
        strict.post("/backoffice/staff", {"civil_id": demo["bride"], "role": "caseworker"}).status_code == 403
    )
    moi = member_of(demo, "caseworker")
    assert strict.post(f"/backoffice/staff/{moi.pk}/remove").status_code == 403
    assert StaffMembership.objects.filter(pk=moi.pk).exists()
    assert not StaffMembership.objects.filter(user__civil_id=demo["bride"]).exists()


def test_the_last_administrator_cannot_step_down_but_another_can(login, demo):
    admin = login(demo["moi-admin"], "en")
    mine = member_of(demo, "moi-admin")
    refused = admin.post(f"/backoffice/staff/{mine.pk}/remove")
    assert refused.status_code == 409 and "only administrator" in refused.content.decode()
    assert StaffMembership.objects.filter(pk=mine.pk).exists()
    operator = login(demo["operator"], "en")
    assert operator.post("/operators/staff", {"agency": "moi", "civil_id": demo["bride"]}).status_code == 302
    stepped_down = admin.post(f"/backoffice/staff/{mine.pk}/remove")
    assert stepped_down.status_code == 302 and stepped_down["Location"] == "/"
    assert not StaffMembership.objects.filter(pk=mine.pk).exists()
    assert admin.get("/backoffice/staff").status_code == 404


def test_an_operator_removes_an_administrator(login, demo):
    operator = login(demo["operator"], "en")
    mine = member_of(demo, "moi-admin")
    assert "Confirm the removal" in operator.get(f"/operators/staff/{mine.pk}/remove").content.decode()
    assert operator.post(f"/operators/staff/{mine.pk}/remove").status_code == 302
    assert not StaffMembership.objects.filter(pk=mine.pk).exists()
    entry = AuditEntry.objects.filter(kind="staff_removed", subject_civil_id=demo["moi-admin"]).get()
    assert entry.actor_civil_id == demo["operator"]


def test_the_operators_form_reports_an_unknown_agency_beside_its_field(login, demo):
    operator = login(demo["operator"], "en")
    response = operator.post("/operators/staff", {"agency": "nowhere", "civil_id": demo["groom"]})
    assert response.status_code == 400
    assert 'id="e-agency">Choose the agency from the list.' in response.content.decode()
    assert not StaffMembership.objects.filter(user__civil_id=demo["groom"]).exists()


def test_the_command_appoints_and_removes_with_clear_errors(demo, capsys):
    call_command("appoint_staff", "appoint", demo["groom"], "moe", "agency_admin")
    membership = member_of(demo, "groom")
    assert (membership.agency.code, membership.role) == ("moe", "agency_admin")
    entry = AuditEntry.objects.filter(kind="staff_appointed", subject_civil_id=demo["groom"]).get()
    assert entry.actor_civil_id == "" and entry.agency.code == "moe"  # a deployment: no person acted
    for arguments, text in [
        (("appoint", demo["newcomer"], "moe", "caseworker"), "has no Sahl account yet"),
        (("appoint", demo["groom"], "moi", "caseworker"), "already works for another agency"),
        (("appoint", demo["bride"], "nowhere", "caseworker"), "Choose the agency"),
        (("appoint", demo["bride"], "moe", "chief"), "Choose a role"),
        (("appoint", demo["bride"], "moe"), "give the role"),
        (("remove", demo["bride"], "moe"), "could not find this member of staff"),
        (("appoint", "123", "moe", "caseworker"), "exactly 12 digits"),
    ]:
        with pytest.raises(CommandError, match=text):
            call_command("appoint_staff", *arguments)
    call_command("appoint_staff", "remove", demo["groom"], "moe")
    assert member_of(demo, "groom") is None
    assert "removed: agency_admin at moe" in capsys.readouterr().out


def test_removal_forgets_the_kept_login_as_the_row_is_deleted(login, demo, settings):
    """The kept copy of a logged-in person holds their membership (identity.kept, ADR 0044): removing
    it must end it at once, not after SAHL_KEEP_LOGIN_SECONDS."""
    assert settings.SAHL_KEEP_LOGIN_SECONDS > 0
    caseworker = login(demo["caseworker"], "en")
    assert caseworker.get("/backoffice/").status_code == 200
    assert caseworker.get("/backoffice/").status_code == 200  # now served from the kept copy
    staff.remove(None, member_of(demo, "caseworker").pk)
    assert caseworker.get("/backoffice/").status_code == 404


def test_services_refuse_what_the_rules_refuse(demo):
    admin = User.objects.get(civil_id=demo["moi-admin"])
    with pytest.raises(Forbidden):
        staff.appoint(admin, demo["bride"], "agency_admin")
    # An administrator names no other agency: the agency asked for is ignored, their own is used.
    done = staff.appoint(admin, demo["bride"], "caseworker", agency_code="paci")
    assert done.agency == Agency.objects.get(code="moi")


# --- The API: the same, for an agency administrator's own tools ---------------------------------

PROBLEM = "application/problem+json"


def problem_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == code
    return body


def with_token(client: Client) -> tuple[Client, str]:
    """A browser's session that checks CSRF, with its token (the page sets the cookie)."""
    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    strict.cookies = client.cookies
    strict.get("/")
    return strict, strict.cookies["csrftoken"].value


def test_the_api_lists_appoints_and_removes_staff_of_the_administrators_agency(login, demo):
    api, token = with_token(login(demo["moi-admin"], "en"))
    team = api.get("/api/v1/backoffice/staff").json()
    assert team["agency"] == "moi"
    roles = {m["name"]["en"]: m["role"] for m in team["members"]}
    assert roles["Haifa Saad Al-Hajri"] == "agency_admin" and "caseworker" in roles.values()
    body = {"civil_id": demo["bride"], "role": "supervisor"}
    refused = api.post("/api/v1/backoffice/staff", body, content_type="application/json")
    problem_of(refused, 403, "request.csrf")
    assert not StaffMembership.objects.filter(user__civil_id=demo["bride"]).exists()
    made = api.post("/api/v1/backoffice/staff", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert made.status_code == 201, made.content
    member = made.json()
    assert member["role"] == "supervisor" and member["role_text"] == {"ar": "مشرف", "en": "Supervisor"}
    assert member["name"]["en"] == "Dana Fahad Al-Shammari"
    assert AuditEntry.objects.filter(kind="staff_appointed", subject_civil_id=demo["bride"]).exists()
    gone = api.delete(f"/api/v1/backoffice/staff/{member['id']}", HTTP_X_CSRFTOKEN=token)
    assert gone.status_code == 204
    assert not StaffMembership.objects.filter(user__civil_id=demo["bride"]).exists()


def test_the_api_refuses_with_problems_and_changes_nothing(login, demo):
    api, token = with_token(login(demo["moi-admin"], "en"))

    def appoint(civil_id: str, role: str = "caseworker"):  # type: ignore[no-untyped-def]
        body = {"civil_id": civil_id, "role": role}
        return api.post(
            "/api/v1/backoffice/staff", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
        )

    before = list(StaffMembership.objects.order_by("pk").values_list("pk", "user_id", "agency_id", "role"))
    body = problem_of(appoint(demo["newcomer"]), 400, "staff.no_account")
    assert body["title"].startswith("This person has no Sahl account yet")
    problem_of(appoint(nobody_in_the_register()), 400, "staff.person_unknown")
    problem_of(appoint("abc"), 400, "civil_id.format")
    problem_of(appoint(demo["paci-staff"]), 409, "staff.other_agency")
    already = problem_of(appoint(demo["caseworker"]), 409, "staff.already")
    assert already["title"] == "This person already has the role of Caseworker at this agency."
    problem_of(appoint(demo["bride"], "agency_admin"), 400, "request.bad")  # not a role of the schema
    problem_of(
        api.post("/api/v1/backoffice/staff", "{", content_type="application/json", HTTP_X_CSRFTOKEN=token),
        400,
        "request.bad",
    )
    paci = member_of(demo, "paci-staff")
    problem_of(
        api.delete(f"/api/v1/backoffice/staff/{paci.pk}", HTTP_X_CSRFTOKEN=token), 404, "staff.not_found"
    )
    problem_of(
        api.delete("/api/v1/backoffice/staff/99999999", HTTP_X_CSRFTOKEN=token), 404, "staff.not_found"
    )
    mine = member_of(demo, "moi-admin")
    problem_of(
        api.delete(f"/api/v1/backoffice/staff/{mine.pk}", HTTP_X_CSRFTOKEN=token), 409, "staff.last_admin"
    )
    assert (
        list(StaffMembership.objects.order_by("pk").values_list("pk", "user_id", "agency_id", "role"))
        == before
    )
    caseworker, _ = with_token(login(demo["caseworker"], "en"))
    problem_of(caseworker.get("/api/v1/backoffice/staff"), 404, "page.not_found")
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    problem_of(anonymous.get("/api/v1/backoffice/staff"), 401, "request.login_required")


def test_an_operator_makes_a_member_of_the_agency_its_administrator(login, demo):
    operator = login(demo["operator"], "en")
    assert (
        operator.post("/operators/staff", {"agency": "moi", "civil_id": demo["caseworker"]}).status_code
        == 302
    )
    assert member_of(demo, "caseworker").role == "agency_admin"
    elsewhere = operator.post("/operators/staff", {"agency": "moi", "civil_id": demo["paci-staff"]})
    assert elsewhere.status_code == 409 and member_of(demo, "paci-staff").agency.code == "paci"


def test_an_operator_removes_an_administrator_after_a_confirmation(login, demo):
    operator = login(demo["operator"], "en")
    admin = member_of(demo, "moi-admin")
    confirm = operator.get(f"/operators/staff/{admin.pk}/remove")
    assert confirm.status_code == 200 and "Confirm the removal" in confirm.content.decode()
    done = operator.post(f"/operators/staff/{admin.pk}/remove")
    assert done.status_code == 302 and done["Location"] == "/operators/staff"
    assert not StaffMembership.objects.filter(pk=admin.pk).exists()
    assert operator.post(f"/operators/staff/{admin.pk}/remove").status_code == 404  # gone
