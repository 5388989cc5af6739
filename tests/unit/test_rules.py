import copy
import datetime as dt

import pytest

from sahl.catalogue.rules import Refusal, Rule, RuleError, assess, check_refusal
from sahl.core.bilingual import BilingualText
from sahl.core.money import Money
from sahl.registry.facts import EXAMPLE

RULES = (
    Rule("size(applicant.vehicles) > 0", BilingualText("لا مركبة", "No vehicle")),
    Rule("applicant.vehicles.exists(v, v.unpaid_fines == 0)", BilingualText("مخالفات", "Unpaid fines")),
)


def test_eligible_when_every_rule_holds():
    assert assess(RULES, EXAMPLE).eligible


def test_the_first_failing_rule_gives_the_reason():
    facts = copy.deepcopy(EXAMPLE)
    facts["vehicles"][0]["unpaid_fines"] = 2
    result = assess(RULES, facts)
    assert not result.eligible
    assert result.reason == BilingualText("مخالفات", "Unpaid fines")

    facts["vehicles"] = []
    assert assess(RULES, facts).reason.en == "No vehicle"


# --- A refusal told with the person's figures (issue 17, point 6) ------------------------------

TODAY = dt.date(2026, 12, 4)
FINES = Rule(
    "applicant.vehicles.exists(v, v.unpaid_fines == 0)",
    BilingualText("مخالفات", "Unpaid fines"),
    Refusal("unpaid_fines", service="moi.traffic-fines-payment"),
)
PASSPORT = Rule(
    "applicant.passports.exists(p, p.days_left <= 180)",
    BilingualText("مبكر", "Too early"),
    Refusal("too_early", days_left="applicant.passports.days_left", window_days=180),
)


def test_unpaid_fines_are_counted_and_added_up_over_every_vehicle_with_the_service_that_pays_them():
    facts = copy.deepcopy(EXAMPLE)
    facts["vehicles"][0].update(unpaid_fines=2, unpaid_fines_fils=70_000)
    facts["vehicles"].append(dict(facts["vehicles"][0], plate="7-1", unpaid_fines=1, unpaid_fines_fils=5_500))
    result = assess((FINES,), facts, TODAY)
    assert (result.code, result.then) == ("application.unpaid_fines", "moi.traffic-fines-payment")
    assert result.params == {"count": 3, "total": Money(75_500)}


def test_without_any_fine_the_rules_own_reason_is_given():
    facts = copy.deepcopy(EXAMPLE)
    facts["vehicles"] = []
    result = assess((FINES,), facts, TODAY)
    assert result.code == "application.not_eligible" and result.params == {"reason": FINES.reason}


def test_too_early_gives_the_soonest_expiry_and_the_first_day_to_renew():
    facts = copy.deepcopy(EXAMPLE)
    facts["passports"] = [{"number": "K1", "days_left": 400}, {"number": "K2", "days_left": 200}]
    result = assess((PASSPORT,), facts, TODAY)
    assert result.code == "application.too_early"
    assert result.params["expires_on"] == dt.date(2027, 6, 22)
    assert result.params["renewable_from"] == dt.date(2026, 12, 24)  # 180 days before
    facts["passports"] = []  # nothing to renew: the rule's words
    assert assess((PASSPORT,), facts, TODAY).code == "application.not_eligible"


@pytest.mark.parametrize(
    "refusal",
    [
        Refusal("late"),
        Refusal("unpaid_fines"),
        Refusal("too_early", days_left="applicant.passports.days_left", window_days=0),
        Refusal("too_early", days_left="applicant.passports.number", window_days=90),
        Refusal("too_early", days_left="applicant.nothing", window_days=90),
    ],
)
def test_a_refusal_sahl_cannot_tell_does_not_load(refusal):
    with pytest.raises(RuleError):
        check_refusal(refusal, EXAMPLE)


# --- Rules run as transpiled Python (ADR 0066) -----------------------------------------------------


def test_rules_evaluated_at_once_in_threads_each_read_their_own_facts():
    """celpy's transpiled code reads its facts from a module global: a threaded server (gthread,
    runserver) would otherwise answer one person's rule with another's facts."""
    import sys
    import threading

    from sahl.catalogue.rules import evaluate

    rule = "applicant.age >= 18"
    wrong: list[int] = []

    def ask(age: int) -> None:
        facts = copy.deepcopy(EXAMPLE) | {"age": age}
        for _ in range(300):
            if evaluate(rule, facts) != (age >= 18):
                wrong.append(age)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter allows
    try:
        threads = [threading.Thread(target=ask, args=(age,)) for age in (10, 30) * 4]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert wrong == []
