"""A journey definition is checked when it is loaded: what it names must exist, and the message says
which file and which step is wrong."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from sahl.journeys.definition import JourneyDefinitionError, parse_journey

DEFINITIONS = Path(__file__).resolve().parents[2] / "src" / "sahl" / "journeys" / "definitions"
FORMS = {
    "moh.birth-certificate": {
        "properties": {
            k: {}
            for k in (
                "request_type",
                "copies",
                "language",
                "child_name_ar",
                "child_name_en",
                "date_of_birth",
                "birth_notification_number",
                "hospital",
            )
        }
    },
    "moh.newborn-health-file": {"properties": {"child_civil_id": {}}},
    "paci.family-record-update": {"properties": {"child_civil_id": {}}},
    "csc.child-allowance": {"properties": {"child_civil_id": {}}},
    "moi.passport-issuance": {"properties": {"for_whom": {}, "child_civil_id": {}}},
    "moi.newborn-residency": {"properties": {"child_civil_id": {}, "child_passport_number": {}}},
    "paci.newborn-registration-kuwaiti": {
        "properties": {
            k: {}
            for k in (
                "child_name_ar",
                "child_name_en",
                "date_of_birth",
                "sex",
                "other_parent_civil_id",
                "birth_certificate_number",
            )
        }
    },
    "paci.newborn-registration-non-kuwaiti": {
        "properties": {k: {} for k in ("child_name_en", "date_of_birth", "sex")}
    },
}


def newborn() -> dict:
    return yaml.safe_load((DEFINITIONS / "newborn.yaml").read_text(encoding="utf-8"))


def refused(raw: dict) -> str:
    with pytest.raises(JourneyDefinitionError) as error:
        parse_journey(raw, "newborn.yaml", FORMS)
    return str(error.value)


def test_the_shipped_newborn_journey_is_accepted():
    definition = parse_journey(newborn(), "newborn.yaml", FORMS)
    assert definition.code == "newborn" and len(definition.steps) == 8
    assert definition.step("passport").when == "child.is_kuwaiti"


def test_an_unknown_service_code_is_refused_naming_the_step():
    raw = newborn()
    raw["steps"][3]["service"] = "csc.no-such-allowance"
    assert refused(raw) == (
        "newborn.yaml: step child_allowance: unknown service 'csc.no-such-allowance' (not in the published catalogue)"
    )


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("child.is_kuwaiti &&", "is not a valid rule"),
        ("child.favourite_colour == 'blue'", "unknown field child.favourite_colour"),
        ("father.no_such_fact", "unknown field father.no_such_fact"),
        ("child.name_en", "not true or false"),
        ("steps.no_such_step == 'done'", "unknown step no_such_step"),
    ],
)
def test_a_bad_rule_is_refused_with_what_is_wrong(rule, says):
    raw = newborn()
    raw["steps"][4]["when"] = rule
    message = refused(raw)
    assert message.startswith("newborn.yaml: step passport:") and says in message, message


@pytest.mark.parametrize(
    ("field", "path", "says"),
    [
        (
            "child_civil_id",
            "child.passport_number",
            "prefill child_civil_id: the path 'child.passport_number' does not exist",
        ),
        ("child_civil_id", "grandmother.civil_id", "the path 'grandmother.civil_id' does not exist"),
        (
            "child_civil_id",
            "outputs.civil_id.reference",
            "the path 'outputs.civil_id.reference' does not exist",
        ),
        (
            "child_civil_id",
            "outputs.birth_certificate.colour",
            "'outputs.birth_certificate.colour' does not exist",
        ),
        ("child_civil_id", "outputs.health_file.document", "health_file's output needs health_file in after"),
        ("no_such_field", "child.civil_id", "the form of moi.passport-issuance has no field 'no_such_field'"),
    ],
)
def test_a_prefill_that_does_not_exist_is_refused(field, path, says):
    raw = newborn()
    raw["steps"][4]["prefill"] = {field: path}
    message = refused(raw)
    assert message.startswith("newborn.yaml: step passport:") and says in message, message


def test_other_mistakes_are_refused_too():
    raw = newborn()
    raw["steps"][4]["after"] = ["civil_id"]  # a later step
    assert "after must name earlier steps" in refused(raw)
    raw = newborn()
    raw["steps"][4]["applicant"] = ["grandfather"]
    assert "applicant must name roles of this journey" in refused(raw)
    raw = newborn()
    del raw["steps"][4]["reason"]
    assert "needs the reason shown when it does not hold" in refused(raw)
    raw = newborn()
    raw["steps"][4]["runs"] = "whenever"
    assert "runs must be one of" in refused(raw)
    raw = copy.deepcopy(newborn())
    raw["name"] = {"ar": "رحلة"}
    assert "name: needs exactly the keys ar and en" in refused(raw)
    raw = newborn()
    raw["starts_on"] = "register.divorce_recorded"
    assert "starts_on: must be one of" in refused(raw)
