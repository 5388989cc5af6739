"""identity.rules: one-time codes (checks, sending limits) and the source a failed login counts against."""

import datetime as dt

import pytest

from sahl.identity import rules
from sahl.identity.rules import Check, CodeState

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)


# --- Codes ------------------------------------------------------------------------------------------


def live(attempts: int = 0, used: bool = False) -> CodeState:
    return CodeState(expires_at=T0 + rules.CODE_VALID, attempts=attempts, used=used)


def test_a_live_code_is_accepted_once_typed_right():
    assert rules.check_code(live(), True, T0) is Check.ACCEPTED
    assert rules.check_code(live(used=True), True, T0) is Check.USED


def test_an_expired_code_is_refused_even_when_right():
    assert rules.check_code(live(), True, T0 + rules.CODE_VALID) is Check.EXPIRED


def test_the_fifth_wrong_try_spends_the_code():
    assert [rules.check_code(live(n), False, T0) for n in range(5)] == [Check.WRONG] * 4 + [Check.EXHAUSTED]
    assert rules.check_code(live(5), True, T0) is Check.EXHAUSTED


@pytest.mark.parametrize(
    ("typed", "clean"), [("123456", "123456"), (" 123 456 ", "123456"), ("١٢٣٤٥٦", "123456")]
)
def test_codes_are_read_as_people_type_them(typed, clean):
    assert rules.clean_code(typed) == clean


@pytest.mark.parametrize("typed", ["12345", "1234567", "12a456", "", "１２３４５６"])
def test_what_cannot_be_a_code_is_not_tried(typed):
    assert rules.clean_code(typed) is None


def test_the_stored_digest_is_keyed_and_salted():
    digest = rules.code_digest("salt-a", "123456")
    assert "123456" not in digest and digest != rules.code_digest("salt-b", "123456")
    assert rules.code_matches("salt-a", digest, "123456") and not rules.code_matches(
        "salt-a", digest, "123457"
    )


def test_a_new_code_waits_a_minute_after_the_one_it_replaces():
    assert rules.next_send_at([T0], T0 + 30 * dt.timedelta(seconds=1), previous=T0) == T0 + MIN
    assert rules.next_send_at([T0], T0 + MIN, previous=T0) is None
    assert rules.next_send_at([T0], T0 + 30 * dt.timedelta(seconds=1)) is None  # another login: at once


def test_at_most_five_codes_an_hour():
    sent = [T0 + n * 2 * MIN for n in range(5)]
    assert rules.next_send_at(sent, T0 + 10 * MIN) == T0 + rules.HOUR
    assert rules.next_send_at(sent, T0 + rules.HOUR) is None


def test_a_phone_is_shown_masked():
    assert rules.masked_phone("+96599001234") == "+965 ••••• 234"


# --- What a throttle counts a login against (identity.throttle) ------------------------------------


@pytest.mark.parametrize(
    ("address", "source"),
    [
        ("10.0.0.7", "10.0.0.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:10.0.0.7", "10.0.0.7"),
        ("", "unknown"),
    ],
)
def test_the_source_of_an_address(address, source):
    assert rules.source_of(address) == source
