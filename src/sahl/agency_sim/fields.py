"""Structured Field Values for HTTP (RFC 8941): just enough to read `Signature-Input`, `Signature`
and `Content-Digest` (dictionaries of inner lists or byte sequences) and to serialise an inner list
back for the signature base. Written from the RFCs, independently of Sahl's own code."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field

Bare = int | float | str | bytes | bool


@dataclass(frozen=True)
class Token:
    """An sf-token (unquoted), kept apart from an sf-string so serialisation round-trips."""

    value: str


@dataclass
class Item:
    value: Bare | Token
    params: dict[str, Bare | Token] = field(default_factory=dict)


@dataclass
class InnerList:
    items: list[Item]
    params: dict[str, Bare | Token] = field(default_factory=dict)


class FieldError(ValueError):
    """The header is not a well-formed structured field."""


_KEY = re.compile(r"[a-z*][a-z0-9_\-.*]*")
_TOKEN = re.compile(r"[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*")
_NUMBER = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,3})?")


class _Parser:
    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def spaces(self, also_tabs: bool = False) -> None:
        while self.peek() == " " or (also_tabs and self.peek() == "\t"):
            self.pos += 1

    def key(self) -> str:
        found = _KEY.match(self.text, self.pos)
        if not found:
            raise FieldError(f"a key was expected at {self.pos}")
        self.pos = found.end()
        return found.group()

    def bare(self) -> Bare | Token:
        char = self.peek()
        if char == '"':
            return self.string()
        if char == ":":
            end = self.text.find(":", self.pos + 1)
            if end < 0:
                raise FieldError("unterminated byte sequence")
            raw = self.text[self.pos + 1 : end]
            self.pos = end + 1
            try:
                return base64.b64decode(raw, validate=True)
            except ValueError:
                raise FieldError("byte sequence is not base64") from None
        if char == "?":
            value = self.text[self.pos + 1 : self.pos + 2]
            if value not in ("0", "1"):
                raise FieldError("boolean must be ?0 or ?1")
            self.pos += 2
            return value == "1"
        number = _NUMBER.match(self.text, self.pos)
        if number:
            self.pos = number.end()
            return float(number.group()) if number.group(1) else int(number.group())
        token = _TOKEN.match(self.text, self.pos)
        if token:
            self.pos = token.end()
            return Token(token.group())
        raise FieldError(f"unexpected character at {self.pos}")

    def string(self) -> str:
        self.pos += 1  # the opening quote
        out = []
        while True:
            char = self.peek()
            if not char:
                raise FieldError("unterminated string")
            self.pos += 1
            if char == "\\":
                escaped = self.peek()
                if escaped not in ('"', "\\"):
                    raise FieldError("bad escape in string")
                out.append(escaped)
                self.pos += 1
            elif char == '"':
                return "".join(out)
            elif not " " <= char <= "~":
                raise FieldError("string holds a character outside printable ASCII")
            else:
                out.append(char)

    def params(self) -> dict[str, Bare | Token]:
        found: dict[str, Bare | Token] = {}
        while self.peek() == ";":
            self.pos += 1
            self.spaces()
            name = self.key()
            value: Bare | Token = True
            if self.peek() == "=":
                self.pos += 1
                value = self.bare()
            found[name] = value
        return found

    def member(self) -> Item | InnerList:
        if self.peek() != "(":
            return Item(self.bare(), self.params())
        self.pos += 1
        items: list[Item] = []
        while True:
            self.spaces()
            if self.peek() == ")":
                self.pos += 1
                return InnerList(items, self.params())
            items.append(Item(self.bare(), self.params()))
            if self.peek() not in (" ", ")"):
                raise FieldError("items of an inner list are separated by spaces")


def parse_dictionary(text: str) -> dict[str, Item | InnerList]:
    """RFC 8941 section 4.2.2."""
    parser = _Parser(text.strip(" \t"))
    found: dict[str, Item | InnerList] = {}
    while parser.peek():
        name = parser.key()
        if parser.peek() == "=":
            parser.pos += 1
            found[name] = parser.member()
        else:
            found[name] = Item(True, parser.params())
        parser.spaces(also_tabs=True)
        if not parser.peek():
            break
        if parser.peek() != ",":
            raise FieldError(f"a comma was expected at {parser.pos}")
        parser.pos += 1
        parser.spaces(also_tabs=True)
        if not parser.peek():
            raise FieldError("trailing comma")
    return found


def _serialise_bare(value: Bare | Token) -> str:
    if isinstance(value, Token):
        return value.value
    if isinstance(value, bool):
        return "?1" if value else "?0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"
    if isinstance(value, bytes):
        return f":{base64.b64encode(value).decode()}:"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _serialise_params(params: dict[str, Bare | Token]) -> str:
    return "".join(f";{k}" if v is True else f";{k}={_serialise_bare(v)}" for k, v in params.items())


def serialise_inner_list(inner: InnerList) -> str:
    """RFC 8941 section 4.1.1.1: what RFC 9421 puts after `"@signature-params": `."""
    items = " ".join(_serialise_bare(i.value) + _serialise_params(i.params) for i in inner.items)
    return f"({items}){_serialise_params(inner.params)}"
