"""The effect on the mandates that an approved service may carry out (core.effects): the Ministry
of Justice issued a power of attorney, so the attorney may act from its start date; the document
that certifies it is valid to the mandate's last day (and is revoked with it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sahl.core.effects import Change, Effect, Order, Refusal, provide
from sahl.mandates.services import check_power_of_attorney, grant_power_of_attorney


def _check(answers: Mapping[str, Any], day: dt.date) -> Refusal | None:
    problem = check_power_of_attorney(dict(answers))
    return Refusal("end_date", problem) if problem else None


def _grant(order: Order) -> Change:
    said, mandate = grant_power_of_attorney(order.reference, order.civil_id, dict(order.answers))
    return Change(said, mandate.valid_until)


def provide_mandate_effects() -> None:
    provide(
        Effect(
            "mandate.grant_power_of_attorney",
            reads=("attorney_civil_id", "scope", "start_date", "end_date"),
            carry_out=_grant,
            check=_check,
            certifies="power_of_attorney",
        )
    )
