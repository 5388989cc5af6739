"""Civil IDs of the demo's named persons: the first issuable one for a birth date from a serial."""

from __future__ import annotations

import datetime as dt

from sahl.core.civil_id import make_civil_id


def civil_id_for(birth_date: dt.date, first_serial: int) -> str:
    """The first issuable civil ID for that birth date at or after the serial."""
    serial = first_serial
    while (civil_id := make_civil_id(birth_date, serial)) is None:
        serial += 1
    return civil_id.value
