"""The scale load's journeys phase, without a database: how many, their references, and what it says
when the population has too few births or marriages."""

from __future__ import annotations

import re

from sahl.demo.scale import journeys
from sahl.demo.scale.journeys import MARRIED, NEWBORN, Chosen


def test_kuwaits_proportions():
    assert journeys.wanted(5_000_000) == {NEWBORN: 50_000, MARRIED: 20_000}
    assert journeys.wanted(2000) == {NEWBORN: 20, MARRIED: 8}


def test_references_are_the_platforms_shape_and_one_per_id():
    made = [journeys.reference(number, key=123_456_789) for number in range(1, 200_001)]
    assert len(set(made)) == len(made)
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # journeys.services._new_reference's
    assert all(re.fullmatch(rf"J-[{alphabet}]{{10}}", r) for r in made)
    # Neighbouring ids give unrelated references; another seed, others.
    assert made[0][:6] != made[1][:6]
    assert journeys.reference(1, key=1) != journeys.reference(1, key=2)


def test_too_few_births_are_said_not_made_up():
    chosen = Chosen(events=[], found={NEWBORN: 12, MARRIED: 40}, made={NEWBORN: 12, MARRIED: 8})
    lines = journeys.summary(chosen, 2000, first_id=1)
    assert lines[0] == (
        "journeys: 12 newborn, 8 married for 2,000 people, taken from 12 children born in the last 12 months "
        "with a mother and 40 marriages of the last 12 months; journey ids from 1"
    )
    assert lines[1:] == [
        "journeys: the population has only 12 children born in the last 12 months with a mother, 20 wanted "
        "(1 per 100 people a year): 12 newborn journeys, nobody made up for the rest"
    ]


def test_only_the_published_journeys_are_counted():
    chosen = Chosen(events=[], found={NEWBORN: 30}, made={NEWBORN: 20})
    assert journeys.summary(chosen, 2000, first_id=7) == [
        "journeys: 20 newborn for 2,000 people, taken from 30 children born in the last 12 months with a "
        "mother; journey ids from 7"
    ]
