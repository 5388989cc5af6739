"""How long an SMS is as a provider counts it, for the tests that keep Sahl's SMS texts to one
message: GSM-7 septets (extension characters twice) or UCS-2 code units, and the segments a longer
text is cut into (concatenated parts carry a header, so they hold less)."""

from __future__ import annotations

import math

# The GSM 03.38 default alphabet and its extension table (extension characters count twice).
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = set("^{}\\[~]|€\f")

UCS2_SINGLE, UCS2_PART = 70, 67
GSM7_SINGLE, GSM7_PART = 160, 153
MAX_SMS_SEGMENTS = 2


def is_gsm7(text: str) -> bool:
    return all(c in _GSM7 or c in _GSM7_EXTENSION for c in text)


def sms_units(text: str) -> int:
    """The length an SMS provider counts: septets in GSM-7, UTF-16 code units in UCS-2."""
    if is_gsm7(text):
        return len(text) + sum(1 for c in text if c in _GSM7_EXTENSION)
    return len(text.encode("utf-16-le")) // 2


def sms_segments(text: str) -> int:
    """How many SMS a text takes (concatenated parts carry a header, so they hold less)."""
    units = sms_units(text)
    single, part = (GSM7_SINGLE, GSM7_PART) if is_gsm7(text) else (UCS2_SINGLE, UCS2_PART)
    return 1 if units <= single else math.ceil(units / part)
