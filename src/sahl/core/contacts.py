"""Contact details as people type them and as Sahl stores them: Kuwaiti mobile numbers and e-mail
addresses. Used where a person gives one (identity's SMS second factor, notification settings)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator


class InvalidContact(ValueError):
    """A malformed e-mail address or phone number."""


_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PHONE_PUNCTUATION = re.compile(r"[\s\-().\u200e\u200f]")
_KUWAIT_MOBILE = re.compile(r"^[569][0-9]{7}$")


def normalize_phone(raw: str) -> str:
    """A Kuwaiti mobile number as stored: +965 and 8 digits starting with 5, 6 or 9. Accepts the
    ways people type it: spaces, dashes, +965 or 00965, Arabic-Indic digits. Empty stays empty."""
    text = _PHONE_PUNCTUATION.sub("", raw.translate(_ARABIC_DIGITS))
    if not text:
        return ""
    if text.startswith("+965"):
        text = text[4:]
    elif text.startswith("00965"):
        text = text[5:]
    elif len(text) == 11 and text.startswith("965"):
        text = text[3:]
    if not text.isascii() or not _KUWAIT_MOBILE.match(text):
        raise InvalidContact("phone")
    return f"+965{text}"


_email = EmailValidator()


def normalize_email(raw: str) -> str:
    """An e-mail address as stored (trimmed; the domain in lower case). Empty stays empty."""
    text = raw.strip()
    if not text:
        return ""
    if len(text) > 254 or any(c.isspace() for c in text):
        raise InvalidContact("email")
    try:
        _email(text)
    except ValidationError:
        raise InvalidContact("email") from None
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"
