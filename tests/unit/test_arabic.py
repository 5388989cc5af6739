import pytest

from sahl.core.arabic import normalize


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("اصدار جواز", "إصدار جواز"),  # hamza under alef
        ("احوال", "أحوال"),  # hamza over alef
        ("الاقامه", "الإقامة"),  # taa marbuta typed as haa
        ("مستشفي", "مستشفى"),  # alef maqsura typed as yaa
        ("شهادة", "شَهَادَةٌ"),  # diacritics
        ("البطاقة المدنية", "البطـــاقة المدنيـة"),  # tatweel
        ("امن", "آمن"),  # madda
        ("passport RENEWAL", "Passport renewal"),
    ],
)
def test_spelling_variants_normalise_to_the_same_text(typed, written):
    assert normalize(typed) == normalize(written)


def test_punctuation_and_spaces_collapse():
    assert normalize("  تجديد،   الدفتر (المركبة) ") == "تجديد الدفتر المركبه"


def test_different_words_stay_different():
    assert normalize("جواز") != normalize("جوائز")[:4] or normalize("جواز") != normalize("جوائز")
