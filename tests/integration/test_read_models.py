"""Read models (ADR 0042): what the events kept equals what a rebuild from the truth writes, after
any sequence of what people and caseworkers do; a change shows on the next read of the list; the
rebuild command writes the rows and can run again."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sahl.applications.models import Application, ApplicationCard
from sahl.events import read_models
from sahl.registry.models import Passport, Vehicle
from tests.integration.conftest import apply, pay, reference_of

pytestmark = pytest.mark.django_db

PASSPORT, RENEWAL, SALE = (
    "moi.passport-renewal",
    "moi.vehicle-registration-renewal",
    "moi.vehicle-ownership-transfer",
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OPEN = ("submitted", "awaiting_payment", "in_review", "action_needed")
STEPS = ("passport", "draft", "renewal", "sale", "pay", "approve", "reject", "withdraw", "consent", "decline")


def _newest(state: str | tuple[str, ...], **more: object) -> Application | None:
    states = (state,) if isinstance(state, str) else state
    return Application.objects.filter(state__in=states, **more).order_by("-pk").first()


class People:
    """The demo people, logged in once for every example: the father files for his passport and
    sells his car to the expatriate, who renews his own; the caseworker decides."""

    def __init__(self, login, demo) -> None:
        self.demo = demo
        self.father, self.expat = login(demo["father"], "en"), login(demo["expat"], "en")
        self.caseworker = login(demo["caseworker"], "en")
        self.clients = {demo["father"]: self.father, demo["expat"]: self.expat}
        self.passport = Passport.objects.get(holder__civil_id=demo["father"]).number
        self.plate = Vehicle.objects.filter(owner__civil_id=demo["father"]).order_by("plate").first().plate

    def car_renewable(self) -> bool:
        """The expatriate's car is renewed once: not while a renewal is open, nor after one ended."""
        renewals = Application.objects.filter(service__code=RENEWAL, subject_civil_id=self.demo["expat"])
        return not renewals.exclude(state__in=("withdrawn", "rejected", "cancelled")).exists()

    @staticmethod
    def offered(client, code: str) -> bool:  # type: ignore[no-untyped-def]
        """Whether the person is offered the service's form now (a passport renewed, a car sold: the
        registers have moved on, and the form says why it is not offered instead)."""
        return 'name="idempotency_key"' in client.get(f"/services/{code}/apply").content.decode()

    def do(self, step: str) -> None:
        """One thing a person does, when there is something to do it on (a refusal is an answer too)."""
        answers = {"passport_number": self.passport, "delivery": "kiosk"}
        if step == "passport" and self.offered(self.father, PASSPORT):
            response = apply(self.father, PASSPORT, answers)
        elif step == "draft":
            response = self.father.post(f"/services/{PASSPORT}/apply", answers | {"save_draft": "1"})
        elif step == "renewal" and self.car_renewable():
            response = apply(self.expat, RENEWAL, {"plate_number": "45-20002"})
        elif step == "sale" and self.offered(self.father, SALE):
            sale = {
                "plate_number": self.plate,
                "buyer_civil_id": self.demo["expat"],
                "payment_method": "bank_transfer",
            }
            proof = SimpleUploadedFile("receipt.png", PNG, content_type="image/png")
            response = apply(self.father, SALE, sale, {"proof_of_payment": proof})
        elif step == "pay" and (found := _newest("awaiting_payment")):
            response = pay(self.clients[found.subject_civil_id], found.reference)
        elif step in ("approve", "reject") and (found := _newest("in_review", agency__code="moi")):
            self.caseworker.post(f"/backoffice/cases/{found.reference}/take")
            response = self.caseworker.post(
                f"/backoffice/cases/{found.reference}/{step}", {"reason": "The photo is not clear"}
            )
        elif step == "withdraw" and (found := _newest(OPEN)):
            client = self.clients[found.subject_civil_id]
            response = client.post(f"/applications/{found.reference}/withdraw", {"reason": "changed my mind"})
        elif step in ("consent", "decline") and (found := _newest("submitted", service__code=SALE)):
            agree = "yes" if step == "consent" else "no"
            response = self.expat.post(f"/applications/{found.reference}/consent", {"agree": agree})
        else:
            return
        assert response.status_code < 500, (step, response.status_code)


def test_every_read_model_equals_its_rebuild_after_any_sequence(login, demo):
    people = People(login, demo)

    @settings(max_examples=15, deadline=None, database=None)
    @given(st.lists(st.sampled_from(STEPS), min_size=1, max_size=7))
    @example(["renewal", "pay", "renewal"])  # a car renewed once is not offered again
    @example(["passport", "pay", "approve", "passport"])  # nor a passport renewed already
    @example(["sale", "consent", "pay", "approve", "sale", "pay", "approve"])  # a car sold is not his
    def sequence(steps: list[str]) -> None:
        # Each example from the demo's state, undone at its end; marked as the test case's own block
        # (core.outside), so that paying calls the gateway as it does in a test.
        example = transaction.atomic()
        example._from_testcase = True
        with example:
            for step in steps:
                people.do(step)
            for model in read_models.kept():
                kept = model.rows()
                model.rebuild()
                assert model.rows() == kept, (model.name, steps)
            transaction.set_rollback(True)

    sequence()
    assert any(m.name == "application_cards" for m in read_models.kept())


def test_a_decision_shows_on_the_next_read_of_the_list(login, demo):
    father, caseworker = login(demo["father"], "en"), login(demo["caseworker"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = reference_of(apply(father, PASSPORT, {"passport_number": passport, "delivery": "kiosk"}))
    pay(father, reference)

    def listed() -> tuple[str, str]:
        html = father.get("/applications").content.decode()
        row = html.split(reference, 2)[2].split("</tr>")[0]  # the link's target, its text, then the row
        found = [a for a in father.get("/api/v1/applications").json() if a["reference"] == reference]
        return found[0]["state"], row

    state, row = listed()
    assert state == "in_review" and "In progress" in row
    caseworker.post(f"/backoffice/cases/{reference}/take")
    assert caseworker.post(f"/backoffice/cases/{reference}/approve").status_code == 302
    state, row = listed()
    assert state == "completed" and "Completed" in row and "In progress" not in row


def test_the_buyer_lists_the_sale_while_it_waits_for_him(login, demo):
    """A party's card is written with the filing, before anyone else moves the case."""
    father, expat = login(demo["father"], "en"), login(demo["expat"], "en")
    plate = Vehicle.objects.filter(owner__civil_id=demo["father"]).order_by("plate").first().plate
    sale = {"plate_number": plate, "buyer_civil_id": demo["expat"], "payment_method": "bank_transfer"}
    proof = SimpleUploadedFile("receipt.png", PNG, content_type="image/png")
    reference = reference_of(apply(father, SALE, sale, {"proof_of_payment": proof}))
    listed = {a["reference"]: a["state"] for a in expat.get("/api/v1/applications").json()}
    assert listed.get(reference) == "submitted"
    assert reference in expat.get("/applications").content.decode()


def test_the_rebuild_command_writes_the_cards_and_can_run_again(login, demo):
    father = login(demo["father"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = reference_of(apply(father, PASSPORT, {"passport_number": passport, "delivery": "kiosk"}))
    kept = [read_models.kept()[i].rows() for i in range(len(read_models.kept()))]
    ApplicationCard.objects.all().delete()  # lost, as after a restore of the tables they come from
    assert reference not in father.get("/applications").content.decode()

    def run() -> str:
        out = io.StringIO()
        call_command("rebuild_read_models", "application_cards", stdout=out)
        return out.getvalue()

    first = run()
    cards = ApplicationCard.objects.count()
    assert cards >= 1 and first == f"application_cards: {cards} rows\n"
    assert run() == first and ApplicationCard.objects.count() == cards  # again: the same rows, no more
    assert [m.rows() for m in read_models.kept()] == kept
    assert reference in father.get("/applications").content.decode()


def test_a_renamed_service_and_agency_show_in_every_read_row(login, demo, tmp_path):
    """Publishing a new name for a service, and for its agency, announces it; the task writes again
    every read row that copies them, so the rows equal a rebuild and the list and the queue say the
    new names (in both languages)."""
    import shutil

    import yaml

    from sahl.catalogue import services
    from sahl.catalogue.files import DEFINITIONS
    from sahl.events.models import Event
    from tests.integration.conftest import run_tasks

    father, caseworker = login(demo["father"], "en"), login(demo["caseworker"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = reference_of(apply(father, PASSPORT, {"passport_number": passport, "delivery": "kiosk"}))
    pay(father, reference)
    root = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, root)

    def edit(relative: str, change) -> None:
        path = root / relative
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    def rename_moi(agencies: list[dict]) -> None:
        next(a for a in agencies if a["code"] == "moi")["name"] = {
            "ar": "وزارة الداخلية الجديدة",
            "en": "New Interior",
        }

    edit(
        "moi/passport-renewal.yaml",
        lambda d: d.update(name={"ar": "تجديد الجواز", "en": "Passport, renewed"}),
    )
    edit("agencies.yaml", rename_moi)
    with transaction.atomic():  # as the command publishes: the events with the change
        services.load_catalogue(root)
    renamed = Event.objects.filter(type="catalogue.service_renamed")
    assert renamed.filter(subject="service:moi.passport-renewal").exists()
    assert renamed.filter(subject="service:moi.vehicle-registration-renewal").exists()  # its agency's name
    assert not renamed.filter(subject__startswith="service:paci.").exists()
    run_tasks()

    kept = {m.name: m.rows() for m in read_models.kept()}
    read_models.rebuild()
    assert {m.name: m.rows() for m in read_models.kept()} == kept
    assert "Passport, renewed" in father.get("/applications").content.decode()
    assert "Passport, renewed" in caseworker.get("/backoffice/").content.decode()
    assert "New Interior" in father.get(f"/applications/{reference}").content.decode()
    services.load_catalogue(root)  # again: nothing changed, nothing announced
    assert Event.objects.filter(type="catalogue.service_renamed").count() == renamed.count()
