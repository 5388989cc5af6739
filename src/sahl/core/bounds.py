"""Numbers a request may carry, bounded by what the database can hold.

Every integer column and every OFFSET is a signed 64-bit integer on PostgreSQL (bigint) and on
SQLite; a larger number is not "not found" but a database error (PostgreSQL: "bigint out of range",
SQLite: OverflowError or "datatype mismatch"). API schemas and parameters take these types instead
of a bare `int`, so such a number is refused as a bad request before any query runs:

    def get_message(request, message_id: Id) -> ...
    page: PageNumber = 1
    limit: PageSize = 50
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval

DB_INT_MAX = 2**63 - 1  # PostgreSQL bigint, SQLite INTEGER
# A page or an offset past these finds nothing in any table Sahl will ever have; bounding them well
# below DB_INT_MAX keeps `page * page_size` and `offset + limit` inside the database's range too.
PAGE_MAX = 10**9
OFFSET_MAX = 10**12
PAGE_SIZE_MAX = 200  # the most items one page of a list answers

# Constraints only (annotated_types, which pydantic reads). Inside ninja's QueryEx/PathEx a
# parameter with a default takes its bounds in P instead (`QueryEx[int, P(ge=1, le=PAGE_MAX)] = 1`):
# ninja 1.7 forgets the default of a nested Annotated type and makes the parameter required.
Id = Annotated[int, Interval(ge=1, le=DB_INT_MAX)]
PageNumber = Annotated[int, Interval(ge=1, le=PAGE_MAX)]
Offset = Annotated[int, Interval(ge=0, le=OFFSET_MAX)]
PageSize = Annotated[int, Interval(ge=1, le=PAGE_SIZE_MAX)]
Count = Annotated[int, Interval(ge=0, le=DB_INT_MAX)]


def fits_column(value: int) -> bool:
    """Whether an integer fits a 64-bit signed column."""
    return -DB_INT_MAX - 1 <= value <= DB_INT_MAX
