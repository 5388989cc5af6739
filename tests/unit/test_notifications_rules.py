"""Contact details, SMS length, channels, and when an alert's claim is a dead worker's (the outbox's
rules; its retry timing is tested with the agencies' deliveries, test_delivery_rules)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sahl.core import contacts
from sahl.notifications import rules
from sahl.outbox import rules as outbox_rules
from tests import sms_length


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("51234567", "+96551234567"),
        ("6123 4567", "+96561234567"),
        ("9123-4567", "+96591234567"),
        ("+965 5123 4567", "+96551234567"),
        ("0096551234567", "+96551234567"),
        ("96551234567", "+96551234567"),
        ("٥١٢٣٤٥٦٧", "+96551234567"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_kuwaiti_mobile_numbers_are_stored_one_way(typed, stored):
    assert contacts.normalize_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "41234567",
        "2123456",
        "512345678",
        "+966512345678",
        "5123456a",
        "+9655123456",
        "phone",
        "１２３４５６７８",
    ],
)
def test_malformed_phone_numbers_are_refused(typed):
    with pytest.raises(contacts.InvalidContact):
        contacts.normalize_phone(typed)


@given(st.text(max_size=30))
def test_any_accepted_phone_is_a_kuwaiti_mobile(typed):
    try:
        stored = contacts.normalize_phone(typed)
    except contacts.InvalidContact:
        return
    assert stored == "" or (
        len(stored) == 12 and stored[:4] == "+965" and stored[4] in "569" and stored[4:].isdigit()
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [(" Ahmad@Example.COM ", "Ahmad@example.com"), ("a.b+c@mail.gov.kw", "a.b+c@mail.gov.kw"), ("", "")],
)
def test_email_addresses_are_trimmed(typed, stored):
    assert contacts.normalize_email(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "ahmad",
        "ahmad@",
        "@example.com",
        "ahmad@example",
        "a b@example.com",
        "ahmad@@example.com",
        "x" * 250 + "@a.com",
    ],
)
def test_malformed_email_addresses_are_refused(typed):
    with pytest.raises(contacts.InvalidContact):
        contacts.normalize_email(typed)


def test_sms_segments_follow_the_encoding():
    assert sms_length.sms_segments("a" * 160) == 1
    assert sms_length.sms_segments("a" * 161) == 2
    assert sms_length.sms_units("{}") == 4  # extension characters count twice
    assert sms_length.sms_segments("ب" * 70) == 1
    assert sms_length.sms_segments("ب" * 71) == 2
    assert sms_length.sms_segments("ب" * 134) == 2
    assert sms_length.sms_segments("ب" * 135) == 3
    assert sms_length.sms_segments("a" * 69 + "ب") == 1  # one Arabic letter makes the whole text UCS-2


def test_outside_channels_carry_only_alerts_the_person_chose():
    both = rules.Contact("a@example.com", "+96551234567", by_email=True, by_sms=True)
    assert rules.channels_for("completed", both) == [("email", "a@example.com"), ("sms", "+96551234567")]
    assert rules.channels_for("submitted", both) == []  # the person just did it on screen
    assert rules.channels_for("approved", both) == []  # "completed" follows in the same moment
    email_only = rules.Contact("a@example.com", "+96551234567", by_email=True, by_sms=False)
    assert rules.channels_for("notice", email_only) == [("email", "a@example.com")]
    no_address = rules.Contact("", "", by_email=True, by_sms=True)
    assert rules.channels_for("notice", no_address) == []


def test_a_claim_goes_stale_after_the_attempts_timeout_and_a_grace():
    now = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)
    timeout = 10.0
    limit = dt.timedelta(seconds=timeout + outbox_rules.CLAIM_GRACE)
    assert outbox_rules.claim_is_stale(None, timeout, now)
    assert not outbox_rules.claim_is_stale(now - dt.timedelta(seconds=30), timeout, now)
    assert not outbox_rules.claim_is_stale(now - limit, timeout, now)
    assert outbox_rules.claim_is_stale(now - limit - dt.timedelta(seconds=1), timeout, now)


def test_minors_need_their_guardians():
    assert rules.needs_guardians(0) and rules.needs_guardians(17) and not rules.needs_guardians(18)
