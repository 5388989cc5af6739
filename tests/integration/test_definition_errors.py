"""One validator for the loading command and the editor: every error at once, each with the
agency's or service's code, the field's path and a reason in the integrator's words (issue 22)."""

import pytest
import yaml
from django.core.management import CommandError, call_command

from sahl.catalogue.definition import DefinitionError
from sahl.catalogue.files import read_catalogue
from sahl.catalogue.models import ServiceVersion
from tests.integration.test_load_catalogue import RENEWAL, edit

pytestmark = pytest.mark.django_db


def three_errors(data):
    data["fee"]["amount"] = 12  # not quoted text
    data["eligibility"][0]["rule"] = 'applicant.age >= "18"'  # a number compared with text
    data["form"]["properties"]["plate_number"]["x-prefill"] = "applicant.cars"  # no such source


def test_a_file_with_three_errors_reports_all_three_with_codes_and_paths(tree):
    edit(tree, RENEWAL, three_errors)

    with pytest.raises(DefinitionError) as refused:
        read_catalogue(tree)

    found = {(p.subject, p.field) for p in refused.value.problems}
    code = "moi.vehicle-registration-renewal"
    assert found == {
        (code, "fee.amount"),
        (code, "eligibility[0].rule"),
        (code, "form.properties.plate_number.x-prefill"),
    }
    assert all(p.source == RENEWAL for p in refused.value.problems)


def test_the_loading_command_reports_all_three_and_loads_nothing(tree):
    edit(tree, RENEWAL, three_errors)
    edit(tree, "paci/civil-id-renewal.yaml", lambda d: d.update(category="weather"))  # another file
    before = ServiceVersion.objects.count()

    with pytest.raises(CommandError) as refused:
        call_command("load_catalogue", path=tree)

    told = str(refused.value)
    assert "4 problems" in told
    assert "moi.vehicle-registration-renewal: fee.amount: must be quoted text" in told
    assert "moi.vehicle-registration-renewal: eligibility[0].rule: compares a number with text" in told
    assert "moi.vehicle-registration-renewal: form.properties.plate_number.x-prefill: unknown source" in told
    assert "paci.civil-id-renewal: category: unknown category 'weather'" in told
    assert ServiceVersion.objects.count() == before


def test_a_type_mismatch_in_a_rule_is_told_without_the_engines_words(tree):
    edit(tree, RENEWAL, lambda d: d["eligibility"][0].update(rule='applicant.age >= "18"'))

    with pytest.raises(DefinitionError) as refused:
        read_catalogue(tree)

    [problem] = refused.value.problems
    english, arabic = problem.text("en"), problem.text("ar")
    assert english.startswith("compares a number with text")
    for internal in ("overload", "IntType", "StringType", "celpy", "Token", "relation_"):
        assert internal not in english and internal not in arabic


def test_a_missing_arabic_name_in_agencies_yaml_names_the_agency(tree):
    path = tree / "agencies.yaml"
    agencies = yaml.safe_load(path.read_text(encoding="utf-8"))
    agencies[33 if len(agencies) > 33 else -1]["name"].pop("ar")
    code = agencies[33 if len(agencies) > 33 else -1]["code"]
    path.write_text(yaml.safe_dump(agencies, allow_unicode=True), encoding="utf-8")

    with pytest.raises(DefinitionError) as refused:
        read_catalogue(tree)

    told = str(refused.value)
    assert f"{code}: name.ar: the Arabic text is missing" in told
    assert "agencies[" not in told
    assert len(refused.value.problems) == 1  # its services are not told as orphans
