"""Who may appoint and remove whom on an agency's staff (identity.rules, ADR 0058)."""

import pytest

from sahl.identity.rules import (
    ADMIN,
    Appointer,
    leaves_no_admin,
    may_change,
    may_give,
    may_remove,
)

MOI, PACI = 1, 2
OPERATOR = Appointer(operator=True)
MOI_ADMIN = Appointer(administers=MOI)
NOBODY = Appointer()
SCRIPT = Appointer(system=True)


@pytest.mark.parametrize(
    ("appointer", "agency", "role", "allowed"),
    [
        (OPERATOR, MOI, ADMIN, True),
        (OPERATOR, PACI, ADMIN, True),
        (OPERATOR, MOI, "caseworker", False),  # the agency's administrator appoints its team
        (MOI_ADMIN, MOI, "caseworker", True),
        (MOI_ADMIN, MOI, "supervisor", True),
        (MOI_ADMIN, MOI, ADMIN, False),
        (MOI_ADMIN, PACI, "caseworker", False),
        (MOI_ADMIN, MOI, "chief", False),
        (NOBODY, MOI, "caseworker", False),
        (SCRIPT, PACI, ADMIN, True),
        (SCRIPT, PACI, "caseworker", True),
    ],
)
def test_who_gives_which_role(appointer, agency, role, allowed):
    assert may_give(appointer, agency, role) is allowed


def test_an_operator_who_also_administers_an_agency_has_both_powers():
    both = Appointer(operator=True, administers=MOI)
    assert may_give(both, MOI, "caseworker") and may_give(both, PACI, ADMIN)
    assert not may_give(both, PACI, "caseworker")


def test_changing_a_role_needs_both_roles_but_an_operator_promotes_anyone_to_administrator():
    assert may_change(MOI_ADMIN, MOI, "supervisor", "caseworker")
    assert not may_change(MOI_ADMIN, MOI, "caseworker", ADMIN)  # no demoting another administrator
    assert may_change(OPERATOR, MOI, ADMIN, "caseworker")
    assert not may_change(OPERATOR, MOI, "caseworker", ADMIN)


def test_an_administrator_may_step_down_but_removes_no_other_administrator():
    assert may_remove(MOI_ADMIN, MOI, ADMIN, oneself=True)
    assert not may_remove(MOI_ADMIN, MOI, ADMIN, oneself=False)
    assert not may_remove(MOI_ADMIN, PACI, ADMIN, oneself=True)
    assert may_remove(MOI_ADMIN, MOI, "caseworker", oneself=False)
    assert may_remove(OPERATOR, MOI, ADMIN, oneself=False)


def test_the_last_administrator_cannot_leave_the_agency_without_one():
    assert leaves_no_admin(ADMIN, oneself=True, admins=1)
    assert not leaves_no_admin(ADMIN, oneself=True, admins=2)
    assert not leaves_no_admin(ADMIN, oneself=False, admins=1)  # an operator may still remove them
    assert not leaves_no_admin("caseworker", oneself=True, admins=1)
    assert not NOBODY.appoints_at_all and OPERATOR.appoints_at_all and MOI_ADMIN.appoints_at_all
