"""The audit log: security events, staff reads of a person's data (with a purpose outside their
own work), "who looked at my data", and verify_audit finding a changed or removed row."""

import io
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sahl.audit import services as audit
from sahl.audit.models import AuditEntry
from sahl.catalogue.models import Agency
from sahl.identity.models import User
from sahl.identity.services import appoint_staff
from sahl.registry.models import Passport
from tests.conftest import DEMO_PASSWORD
from tests.integration.conftest import apply, paid

pytestmark = pytest.mark.django_db


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.getMessage()} {record.__dict__}")


@pytest.fixture
def logs():
    handler = Captured()
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.DEBUG)
    yield handler.lines
    root.removeHandler(handler)
    root.setLevel(level)


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


@pytest.fixture
def case(login, demo):
    """The father's passport renewal, waiting in the Ministry of Interior's queue."""
    father = login(demo["father"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = paid(
        father, apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
    )
    return father, reference


@pytest.fixture
def colleague(login, demo):
    """A second caseworker of the Ministry of Interior."""
    appoint_staff(User.objects.get(civil_id=demo["expat"]), Agency.objects.get(code="moi"), "caseworker")
    return login(demo["expat"], "en")


def reads_of(civil_id: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(subject_civil_id=civil_id, kind="data_read").order_by("sequence"))


def tamper(sql: str, params: list[object]) -> None:
    """Change the table behind Sahl's back as its owner could: on PostgreSQL the append-only trigger
    refuses, so it is switched off first (within the test's transaction). The chain shows it."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE wants no pending checks
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER sahl_append_only")
        cursor.execute(sql, params)
        if postgres:
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER sahl_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# --- The chain ------------------------------------------------------------------------------------


def test_entries_are_chained_and_verify_audit_says_ok(demo):
    before = AuditEntry.objects.count()
    first = audit.append("login", subject_civil_id=demo["father"])
    second = audit.append("logout", subject_civil_id=demo["father"])
    assert second.previous_hash == first.hash and second.sequence == first.sequence + 1
    assert verify().strip() == f"ok: {before + 2} entries, 0 checkpoints"


def test_entries_can_be_neither_changed_nor_deleted_through_the_orm(demo):
    entry = audit.append("login", subject_civil_id=demo["father"])
    entry.purpose = "changed"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_changing_one_byte_of_a_row_is_named_by_verify_audit(demo):
    entries = [audit.append("data_read", subject_civil_id=demo["father"], purpose=f"p{n}") for n in range(4)]
    target = entries[1]
    tamper("UPDATE audit_auditentry SET purpose = %s WHERE id = %s", ["q1", target.pk])
    with pytest.raises(CommandError) as broken:
        verify()
    assert f"entry {target.pk} " in str(broken.value) and "changed" in str(broken.value)
    assert broken.value.returncode == 1


def test_deleting_a_row_names_the_entry_after_the_gap(demo):
    entries = [audit.append("data_read", subject_civil_id=demo["father"]) for _ in range(4)]
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    with pytest.raises(CommandError) as broken:
        verify()
    assert f"entry {entries[2].pk} " in str(broken.value) and "removed" in str(broken.value)


def test_deleting_the_newest_row_shows_too(demo):
    entries = [audit.append("data_read", subject_civil_id=demo["father"]) for _ in range(3)]
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].pk])
    with pytest.raises(CommandError, match=f"entry {entries[1].pk} .*removed"):
        verify()


# --- Security events --------------------------------------------------------------------------------


def test_a_login_and_a_logout_are_recorded(login, demo):
    father = login(demo["father"])
    assert AuditEntry.objects.filter(kind="login", subject_civil_id=demo["father"]).count() == 1
    father.post("/accounts/logout/")
    entry = AuditEntry.objects.filter(kind="logout").last()
    assert entry is not None and entry.actor_civil_id == demo["father"]
    assert entry.source == "127.0.0.0/24"  # the test client's address, cut to its network


def test_a_failed_login_is_recorded_masked_and_without_the_password(client, demo, logs):
    client.post("/accounts/login/", {"login": demo["mother"], "password": "wrong-Password-77"})
    entry = AuditEntry.objects.get(kind="login_failed")
    assert entry.subject_civil_id == demo["mother"]  # her own record: she sees it
    assert entry.detail == "********" + demo["mother"][-4:]
    row = str(AuditEntry.objects.filter(pk=entry.pk).values().get())
    assert "wrong-Password-77" not in row
    text = "\n".join(logs)
    assert "wrong-Password-77" not in text and demo["mother"] not in text
    assert demo["mother"][-4:] in text  # masked, not absent


def test_a_failed_login_for_an_unknown_id_belongs_to_nobody(client):
    client.post("/accounts/login/", {"login": "299999999990", "password": "wrong-Password-77"})
    entry = AuditEntry.objects.filter(kind="login_failed").last()
    if entry is not None:  # a malformed civil ID never reaches authentication
        assert entry.subject_civil_id == "" and "299999999" not in entry.detail


# --- Staff reads and the person's page -----------------------------------------------------------


def test_a_caseworker_opening_a_case_is_recorded_and_the_person_sees_it(login, demo, demo_names, case):
    father, reference = case
    caseworker = login(demo["caseworker"], "en")
    assert caseworker.get(f"/backoffice/cases/{reference}").status_code == 200
    [read] = reads_of(demo["father"])
    assert (read.actor_civil_id, read.application_reference, read.data) == (
        demo["caseworker"],
        reference,
        "application",
    )
    assert read.agency is not None and read.agency.code == "moi" and read.purpose == ""
    page = father.get("/account/access-log").content.decode()
    assert demo_names["caseworker"] in page and "Ministry of Interior" in page and reference in page
    assert demo["caseworker"] not in page  # staff are named, never by civil ID


def test_the_page_is_in_the_persons_language(login, demo, case):
    _, reference = case
    login(demo["caseworker"]).get(f"/backoffice/cases/{reference}")
    page = login(demo["father"], "ar").get("/account/access-log").content.decode()
    assert "من اطّلع على بياناتي" in page and "وزارة الداخلية" in page and "المعاملة" in page


def test_someone_elses_case_needs_a_purpose_which_the_person_sees(login, demo, case, colleague):
    father, reference = case
    caseworker = login(demo["caseworker"], "en")
    assert caseworker.post(f"/backoffice/cases/{reference}/take").status_code == 302
    before = len(reads_of(demo["father"]))

    asked = colleague.get(f"/backoffice/cases/{reference}")
    html = asked.content.decode()
    assert asked.status_code == 200 and 'name="purpose"' in html
    assert demo["father"] not in html and "Passport" not in html  # nothing of the case yet
    assert len(reads_of(demo["father"])) == before
    attachment = colleague.get(f"/backoffice/cases/{reference}/attachments/1")
    assert attachment.status_code == 302 and len(reads_of(demo["father"])) == before

    empty = colleague.post(f"/backoffice/cases/{reference}/purpose", {"purpose": "   "})
    assert empty.status_code == 400 and "Please give the purpose" in empty.content.decode()
    given = colleague.post(f"/backoffice/cases/{reference}/purpose", {"purpose": "Complaint 77 follow-up"})
    assert given.status_code == 302
    shown = colleague.get(f"/backoffice/cases/{reference}")
    assert shown.status_code == 200 and demo["father"] in shown.content.decode()
    read = reads_of(demo["father"])[-1]
    assert read.actor_civil_id == demo["expat"] and read.purpose == "Complaint 77 follow-up"

    assert "Complaint 77 follow-up" in father.get("/account/access-log").content.decode()
    api = father.get("/api/v1/me/access-log").json()
    assert api["reads"][0]["purpose"] == "Complaint 77 follow-up"
    assert api["reads"][0]["agency"]["en"] == "Ministry of Interior"
    assert demo["expat"] not in str(api)


def test_the_purpose_page_in_arabic(login, demo, case, colleague):
    _, reference = case
    login(demo["caseworker"]).post(f"/backoffice/cases/{reference}/take")
    colleague.cookies["sahl_language"] = "ar"
    assert "الغرض من الاطلاع" in colleague.get(f"/backoffice/cases/{reference}").content.decode()


def test_another_agencys_caseworker_cannot_give_a_purpose(login, demo, case):
    _, reference = case
    paci = login(demo["paci-staff"], "en")
    assert paci.post(f"/backoffice/cases/{reference}/purpose", {"purpose": "curious"}).status_code == 404
    assert paci.get(f"/backoffice/cases/{reference}").status_code == 404
    assert reads_of(demo["father"]) == []


def test_downloading_an_attachment_is_recorded(login, demo, case):
    father, reference = case
    caseworker = login(demo["caseworker"], "en")
    caseworker.post(f"/backoffice/cases/{reference}/take")
    caseworker.post(f"/backoffice/cases/{reference}/request-information", {"message": "photo"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = SimpleUploadedFile("me.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png")
    assert father.post(f"/applications/{reference}/respond", {"document": png}).status_code == 302
    from sahl.applications.models import Application

    attachment = Application.objects.get(reference=reference).attachments.get()
    assert caseworker.get(f"/backoffice/cases/{reference}/attachments/{attachment.pk}").status_code == 200
    assert [r.data for r in reads_of(demo["father"])][-1] == "attachment"


def test_a_person_never_sees_another_persons_log(login, demo, case):
    _, reference = case
    caseworker = login(demo["caseworker"], "en")
    caseworker.get(f"/backoffice/cases/{reference}")
    mother = login(demo["mother"], "en")
    page = mother.get("/account/access-log").content.decode()
    assert reference not in page and "Nobody else has opened your data" in page
    api = mother.get("/api/v1/me/access-log").json()
    assert api["reads"] == []
    assert {e["kind"] for e in api["security"]} == {"login"}  # her own login only, not the father's
    assert len(api["security"]) == 1


def test_a_persons_own_reads_are_not_listed_but_their_logins_are(login, demo, case):
    father, _ = case
    audit.record_read(
        User.objects.get(civil_id=demo["father"]),
        demo["father"],
        agency_id=None,
        application_reference="",
        data="application",
    )
    api = father.get("/api/v1/me/access-log").json()
    assert api["reads"] == [] and api["security"][0]["kind"] == "login"
    assert api["security"][0]["kind_text"] == {"ar": "تسجيل دخول", "en": "Logged in"}


def test_agency_system_reads_are_shown_with_the_agency(login, demo, case):
    father, reference = case
    audit.record_system_read(
        Agency.objects.get(code="moi"),
        demo["father"],
        application_reference=reference,
        data="document",
        purpose="Verification at the border",
    )
    page = father.get("/account/access-log").content.decode()
    assert "Ministry of Interior system" in page and "Verification at the border" in page


def test_the_page_needs_a_login(client):
    assert client.get("/account/access-log").status_code == 302
    assert client.get("/api/v1/me/access-log").status_code == 401


def test_the_access_log_page_runs_a_fixed_number_of_queries(login, demo, case):
    father, reference = case
    caseworker = login(demo["caseworker"], "en")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert father.get("/account/access-log").status_code == 200
        return len(queries)

    caseworker.get(f"/backoffice/cases/{reference}")
    one = count()
    for _ in range(5):
        caseworker.get(f"/backoffice/cases/{reference}")
    login(demo["father"], "en")
    assert count() == one == EXPECTED_QUERIES


EXPECTED_QUERIES = (
    3  # session, reads (with agencies), security events (the person and the menu are kept: ADR 0044)
)


def test_the_password_never_reaches_the_log_even_on_success(login, demo, logs):
    login(demo["father"])
    text = "\n".join(logs)
    assert DEMO_PASSWORD not in text and demo["father"] not in text


def test_the_back_office_api_records_reads_and_asks_a_purpose_for_another_caseworkers_case(login, demo):
    from sahl.audit.models import AuditEntry
    from sahl.identity.models import User
    from sahl.identity.services import appoint_staff
    from sahl.registry.models import Passport
    from tests.integration.conftest import apply, paid

    father = login(demo["father"])
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = paid(
        father, apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
    )
    first = login(demo["caseworker"])
    assert first.get(f"/api/v1/backoffice/cases/{reference}").status_code == 200
    first.post(f"/api/v1/backoffice/cases/{reference}/take")
    assert AuditEntry.objects.filter(kind="data_read", application_reference=reference).count() >= 1

    second = User.objects.create_user("286052200001", "another-password-123", name_ar="موظف", name_en="Clerk")
    appoint_staff(second, User.objects.get(civil_id=demo["caseworker"]).membership.agency, "caseworker")
    first.force_login(second)
    refused = first.get(f"/api/v1/backoffice/cases/{reference}")
    assert refused.status_code == 400 and refused.json()["code"] == "case.purpose_required"
    allowed = first.get(f"/api/v1/backoffice/cases/{reference}", {"purpose": "supervisor check"})
    assert allowed.status_code == 200
    assert AuditEntry.objects.filter(application_reference=reference, purpose="supervisor check").exists()
