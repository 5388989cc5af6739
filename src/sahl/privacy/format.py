"""The format of a person's data export, `sahl-personal-data/1`, as typed dictionaries: one
definition serves as the documentation, as mypy's types and as the OpenAPI schema of
`GET /api/v1/me/data` (pydantic reads these classes; `extra="forbid"` makes a key that is not
documented an error, never a silent extra). Each section's shape is declared beside the code that
gathers it, in the app that holds the data (`<app>/personal_data.py`); this module puts them
together in the order of the export.

Conventions: times are ISO 8601 with their offset, dates `YYYY-MM-DD`; amounts are strings of
dinars with three decimals (`"10.000"`) and a `currency`; text shown to people comes as
`{"ar": ..., "en": ...}`; codes (states, kinds, roles) are the stable codes used in the API.

Versioning: adding a section or a field keeps `/1`; renaming, removing or changing the meaning
of a field makes `/2`.
"""

from __future__ import annotations

import datetime as dt

from pydantic import with_config
from typing_extensions import TypedDict

from sahl.applications.personal_data import ApplicationRow, Consents
from sahl.audit.personal_data import AuditRow
from sahl.core.personal_data import STRICT, AgencyRef, Named, ServiceRef, Text
from sahl.identity.personal_data import Account
from sahl.mandates.personal_data import Mandates
from sahl.notifications.personal_data import MessageRow, NoticeRow
from sahl.registry.personal_data import Registers
from sahl.wallet.personal_data import Wallet

__all__ = ["FORMAT", "AgencyRef", "Consents", "Export", "Named", "Sections", "ServiceRef", "Text"]

FORMAT = "sahl-personal-data/1"


@with_config(STRICT)
class Sections(TypedDict):
    """One key per area of Sahl, in the export's order; each contributed by the app that holds it
    (`sahl.core.personal_data`)."""

    account: Account
    registers: Registers
    applications: list[ApplicationRow]
    messages: list[MessageRow]
    notices: list[NoticeRow]
    audit: list[AuditRow]
    consents: Consents
    mandates: Mandates
    wallet: Wallet


# The sections' keys in the export's order.
SECTIONS: tuple[str, ...] = tuple(Sections.__annotations__)


@with_config(STRICT)
class Export(TypedDict):
    """Everything Sahl holds about you, in the format `sahl-personal-data/1`."""

    format: str
    exported_at: dt.datetime
    civil_id: str
    sections: Sections
