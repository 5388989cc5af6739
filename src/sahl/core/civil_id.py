"""The Kuwaiti civil ID: 12 digits, CYYMMDDNNNNK.

C is the century of birth (2 = 1900s, 3 = 2000s), YYMMDD the birth date, NNNN a serial and K a
check digit: 11 minus the weighted sum (weights 2,1,6,3,7,9,10,5,8,4,2) modulo 11.
A sum that leaves 0 or 1 has no valid check digit, so no civil ID is issued with that serial.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sahl.core.errors import BadInput

WEIGHTS = (2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CENTURIES = {"2": 1900, "3": 2000}


def check_digit(first_eleven: str) -> int | None:
    """The check digit for the first 11 digits, or None when that serial cannot be issued."""
    total = sum(int(d) * w for d, w in zip(first_eleven, WEIGHTS, strict=True))
    digit = 11 - total % 11
    return None if digit >= 10 else digit


@dataclass(frozen=True)
class CivilId:
    value: str

    @classmethod
    def parse(cls, raw: str) -> CivilId:
        """Parse a civil ID typed by a person (spaces and Arabic-Indic digits allowed)."""
        if not isinstance(raw, str):
            raise BadInput("civil_id.format")
        text = raw.strip().translate(_DIGITS).replace(" ", "").replace("-", "")
        if len(text) != 12 or not text.isascii() or not text.isdigit():
            raise BadInput("civil_id.format")
        if text[0] not in CENTURIES:
            raise BadInput("civil_id.birth_date")
        try:
            birth_date_of(text)
        except ValueError:
            raise BadInput("civil_id.birth_date") from None
        if check_digit(text[:11]) != int(text[11]):
            raise BadInput("civil_id.check_digit")
        return cls(text)

    @property
    def birth_date(self) -> dt.date:
        return birth_date_of(self.value)

    def __str__(self) -> str:
        return self.value


def birth_date_of(value: str) -> dt.date:
    return dt.date(CENTURIES[value[0]] + int(value[1:3]), int(value[3:5]), int(value[5:7]))


def make_prefix(birth_date: dt.date) -> str:
    """The first seven digits every civil ID of people born on this day starts with."""
    century = {1900: "2", 2000: "3"}[birth_date.year // 100 * 100]
    return f"{century}{birth_date:%y%m%d}"


def make_civil_id(birth_date: dt.date, serial: int) -> CivilId | None:
    """Build the civil ID for a birth date and a serial (0-9999), or None if it has no check digit."""
    first = f"{make_prefix(birth_date)}{serial:04d}"
    digit = check_digit(first)
    return None if digit is None else CivilId(first + str(digit))


# Arabic-Indic and Eastern Arabic-Indic digits, as typed on Arabic keyboards.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
