"""Publishing services through review (issue 22 part 2): an agency administrator edits a service's
definition, checks, previews and submits it; an operator publishes or returns it."""

import pytest
from django.test import Client

from sahl.applications.models import Application
from sahl.audit.models import AuditEntry
from sahl.catalogue import drafts
from sahl.catalogue.models import Service, ServiceDraft
from sahl.notifications.models import Message
from tests.integration.conftest import apply, run_tasks

pytestmark = pytest.mark.django_db

CODE = "moi.vehicle-registration-renewal"
EDITOR = f"/backoffice/services/{CODE}"


def changed_text(amount: str = "12.500") -> str:
    service = Service.objects.get(code=CODE)
    return drafts.published_text(service).replace('amount: "10.000"', f'amount: "{amount}"')


def test_the_administrator_sees_the_agencys_services_and_opens_one_as_yaml(login, demo):
    admin = login(demo["moi-admin"], "en")
    listed = admin.get("/backoffice/services/").content.decode()
    assert EDITOR in listed and "/backoffice/services/paci." not in listed
    page = admin.get(EDITOR).content.decode()
    assert '<textarea name="definition"' in page and "code: moi.vehicle-registration-renewal" in page


def test_another_agencys_service_is_not_found_and_a_caseworker_is_refused(login, demo):
    admin = login(demo["moi-admin"], "en")
    assert admin.get("/backoffice/services/paci.civil-id-renewal").status_code == 404
    assert (
        admin.post("/backoffice/services/paci.civil-id-renewal/check", {"definition": "x"}).status_code == 404
    )
    assert admin.post("/backoffice/services/paci.civil-id-renewal", {"action": "submit"}).status_code == 404
    caseworker = login(demo["caseworker"], "en")
    assert caseworker.get("/backoffice/services/").status_code == 403
    assert caseworker.get(EDITOR).status_code == 403
    assert login(demo["paci-staff"]).get(EDITOR).status_code == 403
    assert login(demo["owner"]).get(EDITOR).status_code == 404  # not staff at all
    assert login(demo["operator"]).get("/operators/publishing").status_code == 200
    assert admin.get("/operators/publishing").status_code == 404


def test_forms_refuse_a_post_without_the_csrf_token(login, demo):
    admin = login(demo["moi-admin"], "en")
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = admin.cookies
    assert strict.post(EDITOR, {"definition": changed_text(), "action": "submit"}).status_code == 403
    assert strict.post(f"{EDITOR}/check", {"definition": "x"}).status_code == 403
    assert not ServiceDraft.objects.exists()


def test_problems_are_told_as_typed_and_by_the_check_button_in_both_languages(login, demo):
    admin = login(demo["moi-admin"], "en")
    text = changed_text().replace("size(applicant.vehicles) > 0", 'applicant.age >= "18"')
    text = text.replace("category: traffic", "category: weather")

    found = admin.post(f"{EDITOR}/check", {"definition": text}).json()["problems"]
    assert {(p["subject"], p["field"]) for p in found} == {(CODE, "eligibility[0].rule"), (CODE, "category")}
    mismatch = next(p for p in found if p["field"] == "eligibility[0].rule")
    assert mismatch["en"].startswith("compares a number with text") and "overload" not in mismatch["ar"]

    page = admin.post(EDITOR, {"definition": text, "action": "check"}).content.decode()
    assert "eligibility[0].rule" in page and "compares a number with text" in page
    refused = admin.post(EDITOR, {"definition": text, "action": "submit"})
    assert refused.status_code == 400 and not ServiceDraft.objects.exists()
    assert admin.post(f"{EDITOR}/check", {"definition": changed_text()}).json() == {"problems": []}


def test_the_preview_shows_the_draft_as_a_person_would_see_it_and_stores_nothing(login, demo):
    admin = login(demo["moi-admin"], "en")
    page = admin.post(EDITOR, {"definition": changed_text(), "action": "preview"}).content.decode()
    assert 'id="preview-banner"' in page and "12.500" in page and "cannot be filed" in page
    assert 'name="plate_number"' in page and "<fieldset disabled>" in page
    assert not ServiceDraft.objects.exists()
    assert Service.objects.get(code=CODE).fee_fils == 10_000


def test_publishing_makes_a_new_version_and_a_filed_application_keeps_the_old_one(login, demo):
    owner = login(demo["expat"], "en")
    filed = apply(owner, CODE, {"plate_number": "45-20002"})
    assert filed.status_code == 302
    application = Application.objects.get(reference=filed["Location"].rsplit("/", 1)[1])
    old = Service.objects.get(code=CODE).current_version
    assert "10.000" in owner.get(f"/services/{CODE}").content.decode()  # kept for the generation

    admin = login(demo["moi-admin"], "en")
    assert admin.post(EDITOR, {"definition": changed_text(), "action": "submit"}).status_code == 302
    draft = ServiceDraft.objects.get(service__code=CODE)
    assert draft.state == "submitted"
    assert admin.post(EDITOR, {"definition": changed_text("13.000"), "action": "save"}).status_code == 400

    operator = login(demo["operator"], "en")
    assert "1 service definition waiting to be published" in operator.get("/operators/").content.decode()
    queue = operator.get("/operators/publishing").content.decode()
    assert f"/operators/publishing/{draft.pk}" in queue
    review = operator.get(f"/operators/publishing/{draft.pk}").content.decode()
    assert (
        "<del>− fee: {amount: &quot;10.000&quot;" in review
        and "<ins>+ fee: {amount: &quot;12.500&quot;" in review
    )
    assert operator.post(f"/operators/publishing/{draft.pk}", {"action": "publish"}).status_code == 302

    service = Service.objects.select_related("current_version").get(code=CODE)
    assert service.current_version.number == old.number + 1 and service.fee_fils == 12_500
    application.refresh_from_db()
    assert application.version_id == old.pk and application.fee_fils == 10_000
    assert "12.500" in owner.get(f"/services/{CODE}").content.decode()
    draft.refresh_from_db()
    assert draft.state == "published" and draft.version_id == service.current_version_id
    kinds = list(AuditEntry.objects.filter(detail__startswith=CODE).values_list("kind", flat=True))
    assert kinds == ["service_submitted", "service_published"]
    # Its author is told (a listener of the event, run by the worker).
    run_tasks()
    told = Message.objects.get(recipient__civil_id=demo["moi-admin"], event="service_published")
    assert "new version" in told.other_body + told.body and told.kind == "service"
    # The editor now starts from the published text.
    assert "12.500" in admin.get(EDITOR).content.decode()


def test_an_operator_returns_a_draft_with_a_reason_the_agency_reads(login, demo):
    admin = login(demo["moi-admin"], "en")
    admin.post(EDITOR, {"definition": changed_text(), "action": "submit"})
    draft = ServiceDraft.objects.get(service__code=CODE)
    operator = login(demo["operator"], "en")
    refused = operator.post(f"/operators/publishing/{draft.pk}", {"action": "return", "reason": "  "})
    assert refused.status_code == 400
    assert (
        operator.post(
            f"/operators/publishing/{draft.pk}", {"action": "return", "reason": "Explain the new fee."}
        ).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.state == "returned" and draft.reason == "Explain the new fee."
    assert Service.objects.get(code=CODE).fee_fils == 10_000
    assert operator.post(f"/operators/publishing/{draft.pk}", {"action": "publish"}).status_code == 409
    page = admin.get(EDITOR).content.decode()
    assert "Explain the new fee." in page and "12.500" in page  # the returned text, to change again
    assert AuditEntry.objects.filter(kind="service_returned", detail=CODE).exists()


def test_hostile_text_is_refused_with_a_message_and_changes_nothing(login, demo):
    admin = login(demo["moi-admin"], "en")
    bomb = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n'
    found = admin.post(f"{EDITOR}/check", {"definition": bomb}).json()["problems"]
    assert [p["field"] for p in found] == ["(file)"] and "alias" in found[0]["en"]
    assert admin.post(EDITOR, {"definition": "code: x\x00", "action": "save"}).status_code == 400
    assert admin.post(EDITOR, {"definition": "x" * 100_001, "action": "save"}).status_code == 400
    assert admin.post(EDITOR, {"definition": "- [", "action": "preview"}).status_code == 400
    assert admin.post(EDITOR, {"definition": "x", "action": "erase"}).status_code == 400
    assert not ServiceDraft.objects.exists()


def test_loading_the_files_keeps_a_reviewed_version_until_its_file_changes(login, demo, tree):
    """A deployment's `load_catalogue` does not undo what an operator published through review; a
    changed file (a deliberate change of the deployment) is published over it."""
    from django.core.management import call_command

    admin, operator = login(demo["moi-admin"], "en"), login(demo["operator"], "en")
    assert admin.post(EDITOR, {"definition": changed_text(), "action": "submit"}).status_code == 302
    draft = ServiceDraft.objects.get(service__code=CODE)
    assert operator.post(f"/operators/publishing/{draft.pk}", {"action": "publish"}).status_code == 302
    reviewed = Service.objects.get(code=CODE).current_version
    assert reviewed.source.startswith("review:")

    call_command("load_catalogue", verbosity=0)  # the same files again
    service = Service.objects.select_related("current_version").get(code=CODE)
    assert service.current_version_id == reviewed.pk and service.fee_fils == 12_500

    path = tree / "moi" / "vehicle-registration-renewal.yaml"
    path.write_text(path.read_text().replace('amount: "10.000"', 'amount: "11.000"'))
    call_command("load_catalogue", path=tree, verbosity=0)
    service = Service.objects.select_related("current_version").get(code=CODE)
    assert service.current_version.number == reviewed.number + 1 and service.fee_fils == 11_000
    assert not service.current_version.source.startswith("review:")


def test_the_service_page_keeps_only_services_that_exist_and_none_withdrawn(login, demo):
    from sahl.catalogue import services as catalogue

    person = login(demo["father"], "en")
    assert person.get(f"/services/{CODE}").status_code == 200
    assert person.get("/services/moi.no-such-service").status_code == 404
    kept = list(catalogue._KEPT_IN_PROCESS["shown-services"][1])
    assert CODE in kept and "moi.no-such-service" not in kept
    # A service withdrawn by a load of the files is gone from its page at once.
    Service.objects.filter(code=CODE).update(is_active=False)
    catalogue.forget_cached_catalogue()
    assert person.get(f"/services/{CODE}").status_code == 404
