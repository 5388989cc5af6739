import pytest
from hypothesis import given
from hypothesis import strategies as st

from sahl.core.errors import BadInput
from sahl.core.money import Money


def test_fees_are_held_in_fils():
    assert Money.parse("10.000").fils == 10_000
    assert Money.parse("0.250").fils == 250


def test_sums_are_exact_in_fils():
    total = Money.parse("0.100") + Money.parse("0.200")
    assert total.amount == "0.300"  # 0.1 + 0.2 as floats would not be
    assert (Money.parse("2.750") * 3).amount == "8.250"


@pytest.mark.parametrize("bad", ["10", "10.5", "10.0000", "-1.000", "1,000.000", "abc", "", " 1.000x"])
def test_amounts_need_exactly_three_decimals(bad):
    with pytest.raises(BadInput):
        Money.parse(bad)


def test_a_float_is_never_accepted():
    with pytest.raises(BadInput):
        Money.parse(10.0)  # type: ignore[arg-type]


def test_only_kuwaiti_dinars():
    with pytest.raises(BadInput):
        Money.parse("1.000", "USD")


@given(st.integers(min_value=0, max_value=999_999_999))
def test_amount_text_round_trips(fils):
    assert Money.parse(Money(fils).amount).fils == fils
