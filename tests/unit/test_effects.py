"""Effects are one vocabulary: the registry and mandates provide theirs when the apps are ready, the
catalogue checks definitions against it, and approving finds an effect by its name alone."""

from __future__ import annotations

import datetime as dt

import pytest

from sahl.core import effects
from sahl.core.bilingual import BilingualText
from sahl.registry.effects import READS


def test_the_registers_and_the_mandates_provide_their_effects():
    known = effects.known()
    assert set(known) == set(READS) | {"mandate.grant_power_of_attorney"}
    for name, reads in READS.items():
        assert known[name].reads == reads
    assert known["mandate.grant_power_of_attorney"].check is not None  # refused at filing, not approval


def test_a_name_is_provided_once():
    existing = effects.effect("passport.renew")
    effects.provide(existing)  # the same effect again (an app made ready twice): nothing changes
    other = effects.Effect("passport.renew", (), lambda order: effects.Change(BilingualText("x", "x")))
    with pytest.raises(ValueError, match="provided twice"):
        effects.provide(other)
    assert effects.effect("passport.renew") is existing


def test_a_power_of_attorney_with_impossible_dates_is_refused_at_filing():
    check = effects.effect("mandate.grant_power_of_attorney").check
    assert check is not None
    refusal = check(
        {"start_date": "2026-12-10", "end_date": "2026-12-01", "scope": "general"}, dt.date(2026, 12, 1)
    )
    assert refusal == effects.Refusal("end_date", "mandate.dates")
