"""What a request may carry as text and JSON: what the database can store and Python can encode.

PostgreSQL refuses a NUL character in text and JSON (SQLite stores it), a lone UTF-16 surrogate
(JSON's "\\ud800") cannot be encoded to UTF-8 by the driver nor in an answer, and bytes that are not
UTF-8 (%ED%A0%80 in an address is a lone surrogate) are no text at all. JSON nested deeper than the
parser's recursion or with a number wider than a column is refused as a whole. Each check here is
O(size of the input) and never recursive.
"""

from __future__ import annotations

import json
import math
from typing import Any, cast
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest
from ninja.parser import Parser

from sahl.core.bounds import fits_column
from sahl.core.errors import BadInput

# Deeper than any document Sahl takes (form answers, wallet proofs, agency reports are 2 to 5 levels);
# far below the recursion limits of the JSON parser, pydantic and the JSON Schema validator.
MAX_JSON_DEPTH = 32


class UntrustedInput(BadInput, ValueError):
    """The request holds text, JSON or a number that cannot be accepted; nothing was read further.
    A ValueError too, so that `loads` takes the place of `json.loads` where ValueError is caught."""

    def __init__(self) -> None:
        super().__init__("request.bad")


def is_clean(text: str) -> bool:
    """Whether `text` has no NUL character and no lone surrogate (whether UTF-8 can encode it)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_clean_bytes(raw: bytes) -> bool:
    """Whether `raw` is UTF-8 without NUL (Python's strict UTF-8 refuses encoded surrogates)."""
    if b"\x00" in raw:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def is_clean_urlencoded(raw: bytes, plus_is_space: bool = True) -> bool:
    """Whether a query string, an urlencoded form or a path decodes to clean text, names and values
    alike. Django decodes them leniently (broken bytes become U+FFFD or %XX again, %00 a NUL), so
    this reads the bytes."""
    return is_clean_bytes(unquote_to_bytes(raw.replace(b"+", b" ") if plus_is_space else raw))


def loads(raw: bytes | str) -> Any:  # what json.loads gives: any JSON value
    """JSON from a request, refused (UntrustedInput) unless it is well formed, at most
    MAX_JSON_DEPTH deep, every string and key clean, every integer within a 64-bit column and every
    number finite (no NaN or Infinity)."""
    try:
        value = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # JSONDecodeError, bad UTF-8, over 4300 digits; too deep
        raise UntrustedInput() from None
    if not _acceptable(value):
        raise UntrustedInput()
    return value


def _no_constant(name: str) -> object:
    raise ValueError(name)


def _acceptable(document: object) -> bool:
    pending: list[tuple[object, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if not is_clean(value):
                return False
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if not fits_column(value):
                return False
        elif isinstance(value, float):
            if not math.isfinite(value):  # 1e999 parses as inf
                return False
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                return False
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, member in items:
                if isinstance(key, str) and not is_clean(key):
                    return False
                pending.append((member, depth + 1))
    return True


class JsonParser(Parser):
    """The API's JSON bodies through `loads` (ninja answers a body it cannot parse with 400)."""

    def parse_body(self, request: HttpRequest) -> dict[str, object]:
        return cast(dict[str, object], loads(request.body))
