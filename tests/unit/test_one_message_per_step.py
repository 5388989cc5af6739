"""The rule that gives each step of an application one message (notifications.rules), and the
language rules of one language per person (identity.rules, notifications.rules)."""

from __future__ import annotations

import pytest

from sahl.identity.rules import language_at_login
from sahl.notifications.rules import (
    EVENT_FOR_KIND,
    STEP_MESSAGE_ORDER,
    Moment,
    language_of,
    other_language,
    speaks_for_its_step,
    step_of,
)


def history(*rows: tuple[str, str]) -> list[Moment]:
    return [Moment(i, kind, state) for i, (kind, state) in enumerate(rows, start=1)]


def speakers(rows: list[Moment]) -> list[str]:
    """The kinds whose message goes out, each row asking for itself as the listener does."""
    return [m.kind for m in rows if m.kind in EVENT_FOR_KIND and speaks_for_its_step(rows, m.id)]


# An automatic renewal with a fee, filed and then paid: paid, approved, issued and completed at once.
INSTANT_RENEWAL = history(
    ("submitted", "submitted"),
    ("payment_due", "awaiting_payment"),
    ("paid", ""),
    ("approved", "approved"),
    ("register_updated", ""),
    ("document_issued", ""),
    ("completed", "completed"),
)


def test_an_instant_renewal_says_please_pay_then_done():
    assert speakers(INSTANT_RENEWAL) == ["payment_due", "completed"]


def test_the_steps_end_where_the_application_comes_to_rest():
    assert [m.kind for m in step_of(INSTANT_RENEWAL, 1)] == ["submitted", "payment_due"]
    assert [m.kind for m in step_of(INSTANT_RENEWAL, 4)] == [
        "paid",
        "approved",
        "register_updated",
        "document_issued",
        "completed",
    ]


def test_a_free_automatic_service_says_done_once():
    rows = history(("submitted", "submitted"), ("approved", "approved"), ("completed", "completed"))
    assert speakers(rows) == ["completed"]


def test_a_service_sent_to_the_agency_says_so_once_then_the_decision():
    rows = history(
        ("submitted", "submitted"),
        ("sent_to_agency", "in_review"),
        ("taken", ""),
        ("info_requested", "action_needed"),
        ("info_provided", "in_review"),
        ("approved", "approved"),
        ("completed", "completed"),
    )
    assert speakers(rows) == ["sent_to_agency", "info_requested", "completed"]


def test_paying_for_a_reviewed_service_confirms_the_fee_rather_than_the_review():
    rows = history(
        ("submitted", "submitted"),
        ("payment_due", "awaiting_payment"),
        ("paid", ""),
        ("sent_to_agency", "in_review"),
    )
    assert speakers(rows) == ["payment_due", "paid"]


def test_a_filing_that_waits_for_a_partys_consent_says_received():
    rows = history(("submitted", "submitted"))
    assert speakers(rows) == ["submitted"]
    later = history(("submitted", "submitted"), ("consent_declined", ""), ("cancelled", "cancelled"))
    assert speakers(later) == ["cancelled"]


def test_a_refund_after_a_withdrawal_is_a_step_of_its_own():
    rows = history(
        ("submitted", "submitted"),
        ("sent_to_agency", "in_review"),
        ("withdrawn", "withdrawn"),
        ("refunded", ""),
    )
    assert speakers(rows) == ["sent_to_agency", "withdrawn", "refunded"]


def test_a_rejection_is_told_with_its_reason_not_the_filing():
    rows = history(("submitted", "submitted"), ("rejected", "rejected"))
    assert speakers(rows) == ["rejected"]


def test_every_event_a_person_hears_about_has_its_place_in_the_order():
    assert set(EVENT_FOR_KIND.values()) <= set(STEP_MESSAGE_ORDER)


def test_a_row_without_a_message_never_speaks():
    assert not speaks_for_its_step(INSTANT_RENEWAL, 5)  # register_updated


@pytest.mark.parametrize(
    ("chosen_before", "stored", "pages"),
    [(None, "en", "en"), (None, "ar", "ar"), ("en", "ar", "en"), ("ar", "en", "ar")],
)
def test_at_login_the_newest_choice_wins(chosen_before, stored, pages):
    assert language_at_login(chosen_before, stored) == pages


def test_messages_go_in_the_persons_language_and_are_written_in_the_other_too():
    assert language_of("en") == "en" and language_of("ar") == "ar" and language_of("") == "ar"
    assert other_language("ar") == "en" and other_language("en") == "ar"
