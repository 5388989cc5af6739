import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sahl.core.civil_id import CivilId, check_digit, make_civil_id
from sahl.core.errors import BadInput


def test_a_known_civil_id_has_its_check_digit():
    # 2 880314 0002 ?: weights 2,1,6,3,7,9,10,5,8,4,2 give 244; 11 - 244 % 11 = 9
    assert check_digit("28803140002") == 9
    assert CivilId.parse("288031400029").birth_date == dt.date(1988, 3, 14)


def test_a_wrong_check_digit_is_refused():
    with pytest.raises(BadInput) as error:
        CivilId.parse("288031400028")
    assert error.value.code == "civil_id.check_digit"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("12345", "civil_id.format"),
        ("2880314000299", "civil_id.format"),
        ("28803140002a", "civil_id.format"),
        ("", "civil_id.format"),
        ("188031400029", "civil_id.birth_date"),  # no century 1
        ("288133100029", "civil_id.birth_date"),  # month 13
    ],
)
def test_malformed_civil_ids_are_refused_with_a_reason(raw, code):
    with pytest.raises(BadInput) as error:
        CivilId.parse(raw)
    assert error.value.code == code


def test_arabic_indic_digits_and_spaces_are_accepted():
    assert CivilId.parse(" ٢٨٨٠٣١٤٠٠٠٢٩ ").value == "288031400029"
    assert CivilId.parse("2880 3140 0029").value == "288031400029"


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.integers(min_value=0, max_value=9999),
)
def test_every_issued_civil_id_parses_back_to_its_birth_date(birth, serial):
    civil_id = make_civil_id(birth, serial)
    if civil_id is None:  # that serial has no check digit and is never issued
        assert check_digit(f"{'2' if birth.year < 2000 else '3'}{birth:%y%m%d}{serial:04d}") is None
        return
    assert CivilId.parse(civil_id.value).birth_date == birth


@given(st.integers(min_value=0, max_value=10), st.sampled_from("0123456789"))
def test_changing_one_digit_is_caught(position, digit):
    valid = "288031400029"
    changed = valid[:position] + digit + valid[position + 1 :]
    if changed == valid:
        return
    with pytest.raises(BadInput):
        CivilId.parse(changed)
