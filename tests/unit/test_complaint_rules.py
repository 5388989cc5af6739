"""Routing rules as ordered data, the deadline in working days, the handling's moves."""

import datetime as dt

import pytest

from sahl.complaints import rules
from sahl.complaints.rules import Case, Rule

RULES = [
    Rule(10, "mpw", topic="unknown", keywords=("حفرة", "pothole"), topic_to="pothole"),
    Rule(20, "mew", topic="unknown", keywords=("كهرباء", "power")),
    Rule(100, "mpw", topic="street-light", governorate="KW-JA"),
    Rule(9999, "km", topic="unknown", topic_to="service-quality-km"),
]


@pytest.mark.parametrize(
    ("case", "agency"),
    [
        (Case("unknown", "KW-HA", "", "حفرة كبيرة أمام البيت"), "mpw"),
        (Case("unknown", "KW-HA", "", "A huge POTHOLE on the ring road"), "mpw"),
        (Case("unknown", "KW-KU", "", "انقطاع الكهرباء منذ ساعتين"), "mew"),
        (Case("unknown", "KW-KU", "", "something else entirely"), "km"),
        (Case("street-light", "KW-JA", "", "the lamp is out"), "mpw"),
    ],
)
def test_the_first_matching_rule_decides(case, agency):
    found = rules.route(RULES, case)
    assert found is not None and found.agency == agency


def test_no_rule_means_the_topics_own_agency_and_order_is_by_position_not_by_list():
    assert rules.route(RULES, Case("street-light", "KW-HA", "", "lamp out")) is None
    shuffled = [RULES[3], RULES[1], RULES[0]]
    assert rules.route(shuffled, Case("unknown", "KW-HA", "", "pothole")).agency == "mpw"


def test_keywords_match_whole_words_after_arabic_normalisation():
    rule = Rule(1, "mew", keywords=("إنارة",))
    assert rules.matches(rule, Case("x", "", "", "الانارة معطلة"))  # hamza folded
    assert not rules.matches(Rule(1, "mew", keywords=("light",)), Case("x", "", "", "lightning"))
    assert rules.keywords_of("حفرة، pothole , asphalt,,") == ("حفرة", "pothole", "asphalt")


def test_the_deadline_counts_working_days_on_the_kuwait_calendar():
    thursday = dt.date(2026, 12, 3)
    assert rules.due_on(thursday, 1, frozenset()) == dt.date(2026, 12, 6)  # Friday, Saturday off
    assert rules.due_on(thursday, 1, frozenset({dt.date(2026, 12, 6)})) == dt.date(2026, 12, 7)


def test_moves_of_the_handling():
    rules.check_move("received", "acknowledged")
    rules.check_move("resolved", "acknowledged")  # reopened
    rules.check_move("resolved", "closed")  # rated
    for current, target in (("closed", "acknowledged"), ("waiting", "resolved"), ("received", "closed")):
        with pytest.raises(rules.IllegalMove):
            rules.check_move(current, target)


def test_overdue_and_ratings():
    today = dt.date(2026, 12, 10)
    assert rules.overdue(dt.date(2026, 12, 9), today, "acknowledged", paused=False)
    assert not rules.overdue(dt.date(2026, 12, 9), today, "waiting", paused=True)
    assert not rules.overdue(dt.date(2026, 12, 9), today, "resolved", paused=False)
    assert [rules.rating_is_valid(v) for v in (0, 1, 5, 6, True, "3")] == [
        False,
        True,
        True,
        False,
        False,
        False,
    ]
