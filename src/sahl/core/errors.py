"""Errors the domain raises; each carries a code whose bilingual text lives in `messages`."""

from __future__ import annotations


class SahlError(Exception):
    """Base of every error a person may see. `code` picks the bilingual message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class BadInput(SahlError):
    """The request was malformed; nothing was changed."""


class NotFound(SahlError):
    """The thing does not exist, or the person may not know that it does."""
