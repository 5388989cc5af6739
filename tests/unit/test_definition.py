"""A definition is validated when loaded: a bad file names its field and reason."""

import copy

import pytest
import yaml

from sahl.catalogue.definition import DefinitionError, parse_definition
from sahl.catalogue.files import DEFINITIONS

AGENCIES = {"moi", "paci"}
CATEGORIES = {"traffic", "identity"}


@pytest.fixture
def good() -> dict:
    path = DEFINITIONS / "moi" / "vehicle-registration-renewal.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def parse(data: dict, slug: str = "vehicle-registration-renewal"):
    return parse_definition(data, source="moi/x.yaml", agencies=AGENCIES, categories=CATEGORIES, slug=slug)


def test_a_good_definition_parses_with_fee_in_fils_and_rules(good):
    definition = parse(good)
    assert definition.fee.fils == 10_000
    assert definition.processing == "automatic"
    assert definition.name.ar == "تجديد ترخيص المركبة (الدفتر)"
    assert next(r.source for r in definition.eligibility) == "size(applicant.vehicles) > 0"
    # The renewed registration's end is the register's, not a duration of the definition's.
    assert definition.outputs[0].valid_for is None and definition.effects == ("vehicle.renew_registration",)


def test_a_document_certifying_what_an_effect_renews_names_no_duration_of_its_own(good):
    from sahl.catalogue.definition import check_publishable

    check_publishable(parse(good), "moi/x.yaml")
    good["outputs"][0]["valid_for"] = "P1Y"
    with pytest.raises(DefinitionError) as refused:
        check_publishable(parse(good), "moi/x.yaml")  # a stored version with it still parses
    assert refused.value.field == "outputs[0].valid_for"
    good["effects"] = []  # a certificate with no effect keeps its fixed validity
    check_publishable(parse(good), "moi/x.yaml")


def test_the_digest_changes_when_the_content_changes(good):
    changed = copy.deepcopy(good)
    changed["fee"]["amount"] = "12.000"
    assert parse(good).digest != parse(changed).digest
    assert parse(good).digest == parse(copy.deepcopy(good)).digest


def break_(data: dict, path: str, value) -> dict:
    data = copy.deepcopy(data)
    target = data
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is KeyError:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "field", "reason"),
    [
        ("fee", {"amount": 10, "currency": "KWD"}, "fee.amount", "quoted text"),
        ("fee", {"amount": "10.5", "currency": "KWD"}, "fee", "three decimals"),
        ("fee", {"amount": "10.000", "currency": "USD"}, "fee", "KWD"),
        ("category", "weather", "category", "unknown category"),
        ("agency", "nasa", "agency", "unknown agency"),
        ("audience", ["tourist"], "audience", "not one of"),
        ("processing", "magic", "processing", "must be one of"),
        ("name", {"ar": "", "en": "Renewal"}, "name.ar", "Arabic text is missing"),
        ("name", {"ar": "Renewal", "en": "Renewal"}, "name.ar", "written in Arabic"),
        ("description", "just text", "description", "Arabic (ar) and English (en)"),
        ("service_level", {"working_days": "one"}, "service_level.working_days", "whole number"),
        (
            "eligibility.0.rule",
            "applicant.cars > 0",
            "eligibility[0].rule",
            "applicant.cars, which is not a known fact",
        ),
        ("eligibility.0.rule", "size(applicant.vehicles) +", "eligibility[0].rule", "not a valid rule"),
        (
            "eligibility.0.rule",
            "applicant.age + 1",
            "eligibility[0].rule",
            "must give true or false, but gives a number",
        ),
        (
            "eligibility.1.rule",
            "applicant.vehicles.exists(v, v.colour == 1)",
            "eligibility[1].rule",
            "cannot be",
        ),
        ("form.properties.plate_number.type", "date", "form.properties.plate_number.type", "must be one of"),
        (
            "form.properties.plate_number.x-prefill",
            "applicant.cars",
            "form.properties.plate_number.x-prefill",
            "unknown",
        ),
        ("form.required", ["plate"], "form.required", "must list names"),
        ("outputs", [{"document": "Vehicle Book"}], "outputs[0].document", "snake_case"),
        ("outputs", [{"document": "book", "valid_for": "1 year"}], "outputs[0].valid_for", "ISO 8601"),
        ("code", "moi.other-name", "code", "file name"),
        ("popular", "yes", "popular", "true or false"),
        ("colour", "red", "colour", "unknown field"),
    ],
)
def test_a_bad_definition_names_the_field_and_the_reason(good, path, value, field, reason):
    with pytest.raises(DefinitionError) as error:
        parse(break_(good, path, value))
    assert error.value.field == field
    assert reason in error.value.reason
    assert error.value.source == "moi/x.yaml"


def test_working_days_zero_is_only_for_automatic_services(good):
    data = break_(good, "processing", "backoffice")
    with pytest.raises(DefinitionError, match="only for automatic"):
        parse(data)


def test_an_enum_needs_a_bilingual_title_for_every_value(good):
    data = copy.deepcopy(good)
    data["form"]["properties"]["delivery"] = {
        "type": "string",
        "title": {"ar": "الاستلام", "en": "Delivery"},
        "enum": ["wallet", "courier"],
        "x-enum-titles": {"wallet": {"ar": "المحفظة", "en": "Wallet"}},
    }
    with pytest.raises(DefinitionError) as error:
        parse(data)
    assert error.value.field == "form.properties.delivery.x-enum-titles"


def test_a_free_text_field_needs_a_length_limit(good):
    data = copy.deepcopy(good)
    data["form"]["properties"]["note"] = {"type": "string", "title": {"ar": "ملاحظة", "en": "Note"}}
    with pytest.raises(DefinitionError, match="maxLength"):
        parse(data)


def test_a_required_consent_must_say_whose(good):
    data = copy.deepcopy(good)
    data["parties"] = [{"role": "buyer", "name": {"ar": "المشتري", "en": "Buyer"}, "consent": "required"}]
    with pytest.raises(DefinitionError) as error:
        parse(data)
    assert error.value.field == "parties[0].consent"
    data["parties"][0]["civil_id_field"] = "plate_number"
    assert parse(data).parties[0].civil_id_field == "plate_number"
    data["parties"][0]["civil_id_field"] = "no_such_field"
    with pytest.raises(DefinitionError, match="must name a text field"):
        parse(data)


def test_effects_must_be_known_and_have_their_answers(good):
    data = copy.deepcopy(good)
    data["effects"] = ["vehicle.teleport"]
    with pytest.raises(DefinitionError, match="unknown effect"):
        parse(data)
    data["effects"] = ["vehicle.transfer_ownership"]
    with pytest.raises(DefinitionError, match="buyer_civil_id"):
        parse(data)


def test_a_service_asks_for_at_most_ten_documents_of_at_most_10_mb(good):
    """What an application can carry bounds its request body (applications.rules.MAX_BODY)."""
    document = {"name": {"ar": "وثيقة", "en": "Document"}, "formats": ["pdf"], "max_size_mb": 10}
    ten = [{"code": f"document_{i}"} | document for i in range(10)]
    assert len(parse(break_(good, "required_documents", ten)).required_documents) == 10
    with pytest.raises(DefinitionError) as error:
        parse(break_(good, "required_documents", [*ten, {"code": "one_more"} | document]))
    assert (error.value.field, error.value.reason) == ("required_documents", "has at most 10 documents")
    with pytest.raises(DefinitionError) as error:
        parse(break_(good, "required_documents", [ten[0] | {"max_size_mb": 11}]))
    assert error.value.field == "required_documents[0].max_size_mb"


@pytest.fixture
def sale() -> dict:
    path = DEFINITIONS / "moi" / "vehicle-ownership-transfer.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def parse_sale(data: dict):
    return parse_definition(
        data, source="moi/x.yaml", agencies=AGENCIES, categories=CATEGORIES, slug="vehicle-ownership-transfer"
    )


def test_a_document_may_be_required_by_a_choice_of_the_form(sale):
    proof = parse_sale(sale).required_documents[0]
    assert proof.code == "proof_of_payment" and not proof.required
    assert proof.required_by({"payment_method": "bank_transfer"}) == "bank_transfer"
    assert proof.required_by({"payment_method": "between_relatives"}) is None
    assert proof.required_by({}) is None
    assert proof.required_when is not None
    assert proof.required_when.title_of("bank_transfer").en == "Bank transfer"
    assert proof.required_when.chosen_titles.en == "“Bank transfer” or “Certified bank cheque”"


@pytest.mark.parametrize(
    ("when", "required", "field"),
    [
        ({"plate_number": ["x"]}, False, "required_documents[0].required_when"),  # not a choice field
        ({"nothing": ["x"]}, False, "required_documents[0].required_when"),
        ({"payment_method": ["wire"]}, False, "required_documents[0].required_when.payment_method"),
        ({"payment_method": []}, False, "required_documents[0].required_when.payment_method"),
        (
            {"payment_method": ["bank_transfer"], "sale_price": [1]},
            False,
            "required_documents[0].required_when",
        ),
        (
            {"payment_method": ["bank_transfer"]},
            True,
            "required_documents[0].required",
        ),  # always, or by answer
    ],
)
def test_a_conditional_document_names_a_choice_field_and_its_values(sale, when, required, field):
    sale["required_documents"][0] |= {"required_when": when, "required": required}
    with pytest.raises(DefinitionError) as refused:
        parse_sale(sale)
    assert refused.value.field == field
