"""What an issued document's PDF holds (see pdf.py): the document's data, the fixed texts in
both languages, the colours, and `is_arabic`, which decides how a text reads.

Every text is shown in both languages on one page, whatever the request's language: data
(BilingualText) and code text (gettext) alike are read with `in_language`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sahl.core.languages import Wording

INK = (33, 37, 41)
MUTED = (90, 98, 106)
BAND = (0, 84, 97)
WHITE = (255, 255, 255)
RULE = (200, 205, 210)
LABEL_FILL = (241, 244, 246)

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")

NO_EXPIRY = _("Does not expire")
VERIFY_HEADING = _("Verify this document")
VERIFY_HOW = _(
    "Scan the QR code, or open the address below and enter the verification code printed under it."
)

# The rows every document opens with (context: a document's "Reference" and "Valid until" read
# otherwise in Arabic than the same words on the pages).
NAME = pgettext_lazy("issued document", "Name")
CIVIL_ID = pgettext_lazy("issued document", "Civil ID")
REFERENCE = pgettext_lazy("issued document", "Reference")
ISSUED_ON = pgettext_lazy("issued document", "Issued on")
VALID_UNTIL = pgettext_lazy("issued document", "Valid until")


@dataclass(frozen=True)
class PdfDocument:
    title: Wording
    agency: Wording
    reference: str
    verification_code: str
    verify_url: str
    holder_name: Wording
    holder_civil_id: str
    issued_on: dt.date
    valid_until: dt.date | None
    fields: tuple[tuple[Wording, Wording], ...]  # (title, the value: in both languages, or as given)


def is_arabic(text: str) -> bool:
    return _ARABIC.search(text) is not None
