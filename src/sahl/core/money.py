"""Money in Kuwaiti dinars, held as an integer number of fils (1 KWD = 1000 fils).

Never a float: amounts are parsed from strings with exactly three decimals and added as integers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sahl.core.errors import BadInput

FILS_PER_DINAR = 1000
_AMOUNT = re.compile(r"^(0|[1-9][0-9]{0,8})\.([0-9]{3})$")


@dataclass(frozen=True, order=True)
class Money:
    fils: int
    currency: str = "KWD"

    def __post_init__(self) -> None:
        if self.fils < 0:
            raise BadInput("money.negative")
        if self.currency != "KWD":
            raise BadInput("money.currency")

    @classmethod
    def parse(cls, amount: str, currency: str = "KWD") -> Money:
        """Parse "10.000" (dinars with exactly three decimals) into fils."""
        match = _AMOUNT.match(amount.strip()) if isinstance(amount, str) else None
        if match is None:
            raise BadInput("money.format")
        return cls(int(match.group(1)) * FILS_PER_DINAR + int(match.group(2)), currency)

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise BadInput("money.currency")
        return Money(self.fils + other.fils, self.currency)

    def __mul__(self, times: int) -> Money:
        return Money(self.fils * times, self.currency)

    @property
    def is_free(self) -> bool:
        return self.fils == 0

    @property
    def amount(self) -> str:
        """The amount as a string with three decimals, e.g. "10.500"."""
        dinars, fils = divmod(self.fils, FILS_PER_DINAR)
        return f"{dinars}.{fils:03d}"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
