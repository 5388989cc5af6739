"""Checking answers against a service's form and files by their content."""

import copy

import pytest

from sahl.applications.rules import FileRefused, FormInvalid, check_file, clean_form, sniff
from sahl.catalogue.definition import RequiredDocument
from sahl.core.bilingual import BilingualText
from sahl.core.languages import in_language
from sahl.registry.adapters import Choice, Profile
from sahl.registry.facts import EXAMPLE

SCHEMA = {
    "properties": {
        "plate_number": {
            "type": "string",
            "title": {"ar": "المركبة", "en": "Vehicle"},
            "x-prefill": "applicant.vehicles",
        },
        "full_name": {
            "type": "string",
            "title": {"ar": "الاسم", "en": "Name"},
            "x-prefill": "applicant.full_name",
        },
        "delivery": {
            "type": "string",
            "title": {"ar": "الاستلام", "en": "Delivery"},
            "enum": ["kiosk", "courier"],
            "x-enum-titles": {
                "kiosk": {"ar": "جهاز", "en": "Kiosk"},
                "courier": {"ar": "توصيل", "en": "Courier"},
            },
        },
        "buyer_civil_id": {
            "type": "string",
            "title": {"ar": "المشتري", "en": "Buyer"},
            "pattern": "^[23][0-9]{11}$",
            "maxLength": 12,
        },
        "price": {"type": "number", "title": {"ar": "الثمن", "en": "Price"}, "minimum": 0},
        "copies": {"type": "integer", "title": {"ar": "النسخ", "en": "Copies"}, "minimum": 1, "maximum": 5},
        "start": {"type": "string", "title": {"ar": "البداية", "en": "Start"}, "format": "date"},
        "agree": {"type": "boolean", "title": {"ar": "أوافق", "en": "I agree"}},
    },
    "required": ["plate_number", "delivery"],
}
PROFILE = Profile(
    civil_id="288031400029",
    name=BilingualText("أحمد خالد المطيري", "Ahmad Khalid Al-Mutairi"),
    facts=copy.deepcopy(EXAMPLE),
    choices={"applicant.vehicles": (Choice("12-10001", BilingualText("تويوتا", "Toyota")),)},
)
GOOD = {"plate_number": "12-10001", "delivery": "courier"}


def errors_of(answers, **kwargs):
    with pytest.raises(FormInvalid) as invalid:
        clean_form(SCHEMA, answers, PROFILE, **kwargs)
    return {name: in_language(text, "en") for name, text in invalid.value.errors.items()}


def test_good_answers_are_kept_and_the_registers_fill_the_name():
    clean = clean_form(
        SCHEMA, GOOD | {"full_name": "Someone Else", "price": "1500.500", "copies": "2"}, PROFILE
    )
    assert clean["full_name"] == "أحمد خالد المطيري"  # from the register, whatever the client sent
    assert clean["price"] == "1500.5" and clean["copies"] == 2
    assert clean["agree"] is False


def test_a_vehicle_that_is_not_the_persons_is_refused():
    assert errors_of(GOOD | {"plate_number": "99-99999"}) == {
        "plate_number": "Choose one of the records registered in your name."
    }


def test_fields_outside_the_form_are_ignored():
    clean = clean_form(SCHEMA, GOOD | {"fee": "0.000", "state": "approved"}, PROFILE)
    assert "fee" not in clean and "state" not in clean


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"plate_number": ""}, "plate_number", "This field is required."),
        ({"delivery": "drone"}, "delivery", "Choose one of the options shown."),
        ({"buyer_civil_id": "12345"}, "buyer_civil_id", "This is not in the expected format."),
        ({"buyer_civil_id": "2" * 13}, "buyer_civil_id", "The text is longer than 12 characters."),
        ({"price": "abc"}, "price", "Enter a number."),
        ({"price": "-1"}, "price", "The value is less than 0."),
        ({"price": "NaN"}, "price", "Enter a number."),
        ({"copies": "1.5"}, "copies", "Enter a whole number."),
        ({"copies": "9"}, "copies", "The value is more than 5."),
        ({"start": "2026-02-30"}, "start", "Enter a valid date."),
        ({"agree": "maybe"}, "agree", "This value is not valid."),
    ],
)
def test_bad_answers_get_a_message_in_both_languages(answers, field, message):
    errors = errors_of(GOOD | answers)
    assert errors[field] == message


def test_errors_are_bilingual():
    with pytest.raises(FormInvalid) as invalid:
        clean_form(SCHEMA, {}, PROFILE)
    assert in_language(invalid.value.errors["delivery"], "ar") == "هذا الحقل مطلوب."


def test_a_draft_may_leave_required_fields_empty_but_not_wrong():
    assert clean_form(SCHEMA, {"delivery": "kiosk"}, PROFILE, partial=True)["delivery"] == "kiosk"
    assert "plate_number" in errors_of({"plate_number": "99-99999"}, partial=True)


def test_every_problem_gets_sahls_own_words_in_both_languages_never_the_validators():
    bad = {
        "plate_number": "99-99999",
        "delivery": "drone",
        "buyer_civil_id": "x",
        "price": "abc",
        "copies": "0",
        "start": "tomorrow",
        "agree": "maybe",
    }
    with pytest.raises(FormInvalid) as invalid:
        clean_form(SCHEMA, bad, PROFILE)
    errors = invalid.value.errors
    assert set(errors) == set(bad)
    for wording in errors.values():
        arabic, english = in_language(wording, "ar"), in_language(wording, "en")
        assert any("\u0600" <= letter <= "\u06ff" for letter in arabic), arabic
        assert "'" not in english and "property" not in english and "type" not in english, english


def test_a_number_offered_as_options_takes_only_those_options():
    schema = {
        "properties": {
            "months": {
                "type": "integer",
                "title": {"ar": "الأشهر", "en": "Months"},
                "enum": [6, 12, 24],
                "x-enum-titles": {str(n): {"ar": str(n), "en": str(n)} for n in (6, 12, 24)},
            }
        },
        "required": ["months"],
    }
    assert clean_form(schema, {"months": "12"}, PROFILE) == {"months": 12}
    with pytest.raises(FormInvalid) as invalid:
        clean_form(schema, {"months": "7"}, PROFILE)
    assert in_language(invalid.value.errors["months"], "en") == "Choose one of the options shown."


def test_an_email_needs_a_name_an_at_sign_and_a_domain_with_a_dot():
    schema = {
        "properties": {
            "email": {"type": "string", "title": {"ar": "البريد", "en": "E-mail"}, "format": "email"}
        }
    }
    assert clean_form(schema, {"email": " a@example.kw "}, PROFILE) == {"email": "a@example.kw"}
    for wrong in ("a@b", "a b@example.kw", "example.kw"):
        with pytest.raises(FormInvalid) as invalid:
            clean_form(schema, {"email": wrong}, PROFILE)
        assert in_language(invalid.value.errors["email"], "ar") == "أدخل بريداً إلكترونياً صحيحاً."


def test_a_date_is_stored_in_one_form():
    assert clean_form(SCHEMA, GOOD | {"start": "20260105"}, PROFILE)["start"] == "2026-01-05"


PDF_ONLY = RequiredDocument("deed", BilingualText("صك", "Deed"), ("pdf",), 1, True)
IMAGES = RequiredDocument("photo", BilingualText("صورة", "Photo"), ("jpeg", "png"), 2, True)


def test_files_are_recognised_by_their_first_bytes():
    assert sniff(b"%PDF-1.7\n") == "pdf"
    assert sniff(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff(b"\x89PNG\r\n\x1a\n") == "png"
    assert sniff(b"MZ\x90\x00") is None  # a Windows program, whatever its name


def test_a_file_whose_content_is_not_an_accepted_kind_is_refused():
    with pytest.raises(FileRefused) as refused:
        check_file(b"\x89PNG\r\n\x1a\n", 100, PDF_ONLY)
    assert refused.value.code == "file.wrong_type" and refused.value.params == {"formats": "PDF"}
    assert check_file(b"\x89PNG\r\n\x1a\n", 100, IMAGES).extension == "png"


def test_a_file_over_the_documents_limit_is_refused():
    with pytest.raises(FileRefused) as refused:
        check_file(b"%PDF-", 1024 * 1024 + 1, PDF_ONLY)
    assert refused.value.code == "file.too_large"
    with pytest.raises(FileRefused):
        check_file(b"", 0, PDF_ONLY)
