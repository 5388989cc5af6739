"""Mandates' section of "My data": the powers of attorney the person gave or holds
(core.personal_data; contributed from `MandatesConfig.ready`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from pydantic import with_config
from typing_extensions import TypedDict

from sahl.core.personal_data import STRICT, Contribution, Named, Person, Text, bilingual, named, text
from sahl.mandates import rules as mandate_rules
from sahl.mandates.models import Mandate
from sahl.registry.adapters import registers


@with_config(STRICT)
class PowerOfAttorney(TypedDict):
    """A power of attorney you gave (you are the grantor) or hold (you are the attorney)."""

    reference: str  # the Ministry of Justice application that issued it
    you_are: str  # grantor, attorney
    other: Named
    scope: str  # general, vehicles, real_estate, courts, government
    scope_text: Text
    valid_from: dt.date
    valid_until: dt.date
    revoked_at: dt.datetime | None
    revoke_reason: str


@with_config(STRICT)
class Mandates(TypedDict):
    """Who may act for you and for whom you may act. Guardianship of your children is not stored:
    it follows from the population register (the `registers` section) until each turns 18."""

    powers_of_attorney: list[PowerOfAttorney]


def mandates(person: Person) -> Mandates:
    """Powers of attorney the person gave or holds (1 query), with the other people's names from the
    population register (1 more when there are any)."""
    rows = list(
        Mandate.objects.filter(
            Q(grantor_civil_id=person.civil_id) | Q(attorney_civil_id=person.civil_id)
        ).order_by("granted_at", "pk")
    )
    names = registers().names({m.grantor_civil_id for m in rows} | {m.attorney_civil_id for m in rows})
    powers: list[PowerOfAttorney] = []
    for m in rows:
        granted = m.grantor_civil_id == person.civil_id
        other = m.attorney_civil_id if granted else m.grantor_civil_id
        name = names.get(other)  # a civil ID the register does not know stands for itself
        scope = mandate_rules.SCOPES.get(m.scope)
        powers.append(
            {
                "reference": m.application_reference,
                "you_are": "grantor" if granted else "attorney",
                "other": named(other, name.ar, name.en) if name else named(other, other, other),
                "scope": m.scope,
                "scope_text": bilingual(scope.name) if scope else text(m.scope, m.scope),
                "valid_from": m.valid_from,
                "valid_until": m.valid_until,
                "revoked_at": m.revoked_at,
                "revoke_reason": m.revoke_reason,
            }
        )
    return {"powers_of_attorney": powers}


MANDATES = Contribution(
    key="mandates",
    summary=_("The powers of attorney you gave or hold."),
    gather=mandates,
)
