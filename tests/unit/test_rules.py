import copy

from sahl.catalogue.rules import Rule, assess
from sahl.core.bilingual import BilingualText
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
