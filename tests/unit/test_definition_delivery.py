"""A definition's `delivery` section (issue 17, point 7): how an approved result reaches the
person, by their answer in the form. A bad section names its field and reason when loaded."""

import copy
import datetime as dt

import pytest
import yaml

from sahl.applications.handover import handover_for
from sahl.applications.models import Application, Decision
from sahl.catalogue.definition import DefinitionError, parse_definition
from sahl.catalogue.files import DEFINITIONS
from sahl.core.working_days import add_working_days, kuwait_holidays
from sahl.registry.adapters import Profile


@pytest.fixture
def renewal() -> dict:
    return yaml.safe_load((DEFINITIONS / "paci" / "civil-id-renewal.yaml").read_text(encoding="utf-8"))


def parse(data: dict):
    return parse_definition(
        data, source="paci/x.yaml", agencies={"paci"}, categories={"identity"}, slug="civil-id-renewal"
    )


def test_the_civil_id_renewal_says_where_and_when_for_each_choice(renewal):
    delivery = parse(renewal).delivery
    assert delivery is not None and delivery.field == "delivery"
    kiosk = delivery.method_for({"delivery": "kiosk"})
    assert kiosk is not None and (kiosk.kind, kiosk.working_days) == ("collect", 1)
    assert kiosk.place is not None and kiosk.place.en == "a PACI kiosk"
    assert kiosk.governorate_field == "kiosk_governorate"
    courier = delivery.method_for({"delivery": "courier"})
    assert courier is not None and (courier.kind, courier.working_days, courier.place) == ("courier", 3, None)
    assert delivery.method_for({}) is None


def test_a_definition_without_the_section_has_none(renewal):
    del renewal["delivery"]
    assert parse(renewal).delivery is None


def broken(data: dict, change) -> dict:
    data = copy.deepcopy(data)
    change(data["delivery"])
    return data


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (lambda d: d.update(field="contact_phone"), "delivery.field", "choice field"),
        (lambda d: d.update(field="nowhere"), "delivery.field", "choice field"),
        (lambda d: d.pop("methods"), "delivery", "exactly 'field' and 'methods'"),
        (lambda d: d.update(methods={}), "delivery.methods", "map values"),
        (
            lambda d: d["methods"].update(drone={"kind": "courier", "working_days": 1}),
            "delivery.methods.drone",
            "enum",
        ),
        (
            lambda d: d["methods"]["kiosk"].update(kind="post"),
            "delivery.methods.kiosk.kind",
            "collect, courier",
        ),
        (
            lambda d: d["methods"]["kiosk"].update(working_days=-1),
            "delivery.methods.kiosk.working_days",
            "0 to 60",
        ),
        (
            lambda d: d["methods"]["kiosk"].update(working_days=True),
            "delivery.methods.kiosk.working_days",
            "whole",
        ),
        (lambda d: d["methods"]["kiosk"].pop("place"), "delivery.methods.kiosk.place", "Arabic (ar)"),
        (
            lambda d: d["methods"]["kiosk"].update(place={"ar": "kiosk", "en": "a kiosk"}),
            "delivery.methods.kiosk.place.ar",
            "Arabic",
        ),
        (
            lambda d: d["methods"]["kiosk"].update(governorate_field="nowhere"),
            "delivery.methods.kiosk.governorate_field",
            "text field",
        ),
        (
            lambda d: d["methods"]["courier"].update(place={"ar": "بيت", "en": "home"}),
            "delivery.methods.courier",
            "registered address",
        ),
        (lambda d: d["methods"]["kiosk"].update(colour="red"), "delivery.methods.kiosk", "must have kind"),
    ],
)
def test_a_bad_delivery_section_names_its_field_and_reason(renewal, change, field, reason):
    with pytest.raises(DefinitionError) as error:
        parse(broken(renewal, change))
    assert error.value.field == field
    assert reason in error.value.reason


def approved(definition, answers: dict, on: dt.date) -> Application:
    """An approved application, as the page and the message read it (nothing stored)."""
    application = Application(
        state="completed",
        form_data=answers,
        subject_civil_id="288031400011",
        decided_at=dt.datetime(on.year, on.month, on.day, 10, tzinfo=dt.UTC),
    )
    application.decision = Decision(outcome=Decision.Outcome.APPROVED)
    return application


THURSDAY = dt.date(2026, 12, 3)  # Friday and Saturday are Kuwait's weekend


def test_a_kiosk_card_is_ready_the_next_working_day_in_the_chosen_governorate(renewal):
    definition = parse(renewal)
    found = handover_for(
        approved(definition, {"delivery": "kiosk", "kiosk_governorate": "KW-HA"}, THURSDAY), definition
    )
    assert found is not None and found.on == dt.date(2026, 12, 6)  # Sunday: the weekend does not count
    assert found.text.en == "You can collect it at a PACI kiosk in Hawalli governorate from 2026-12-06."
    assert found.text.ar == "يمكنك الاستلام من أحد أجهزة الهيئة الآلية في محافظة حولي ابتداءً من 2026-12-06."


def test_a_courier_names_the_registered_area_and_governorate_only(renewal):
    definition = parse(renewal)
    profile = Profile("288031400011", None, {"governorate": "KW-HA"}, {}, "1729724891")
    found = handover_for(approved(definition, {"delivery": "courier"}, THURSDAY), definition, profile)
    expected = add_working_days(THURSDAY, 3, kuwait_holidays())
    assert found is not None and found.on == expected
    assert found.text.en == (
        f"It comes by courier to the registered address (Zahra, Hawalli), expected by {expected.isoformat()} "
        "(at most 3 working days after the approval)."
    )
    assert "(الزهراء، حولي)" in found.text.ar and "مدة أقصاها 3 أيام عمل من الموافقة" in found.text.ar


def test_nothing_to_say_before_approval_or_after_a_refusal(renewal):
    definition = parse(renewal)
    application = approved(definition, {"delivery": "kiosk"}, THURSDAY)
    application.state = "in_review"
    assert handover_for(application, definition) is None
    refused = approved(definition, {"delivery": "kiosk"}, THURSDAY)
    refused.state, refused.decision = "rejected", Decision(outcome=Decision.Outcome.REJECTED)
    assert handover_for(refused, definition) is None
