"""Civil IDs of the demo's named persons: the first issuable one for a birth date from a serial."""

from __future__ import annotations

import datetime as dt
import random

from sahl.core.civil_id import make_civil_id


def civil_id_for(birth_date: dt.date, first_serial: int) -> str:
    """The first issuable civil ID for that birth date at or after the serial."""
    serial = first_serial
    while (civil_id := make_civil_id(birth_date, serial)) is None:
        serial += 1
    return civil_id.value


def card_of(civil_id: str, adult: bool) -> tuple[str, str]:
    """A demo person's civil ID card serial (nine digits) and, for an adult, the mobile number the
    population register holds (+965 and eight digits). Synthetic, drawn from the civil ID so that
    adding them changed no other demo data."""
    rng = random.Random(f"card {civil_id}")
    serial = f"{rng.randrange(10**8, 10**9)}"
    mobile = f"+965{rng.choice('569')}{rng.randrange(10**7):07d}" if adult else ""
    return serial, mobile
