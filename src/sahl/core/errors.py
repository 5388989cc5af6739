"""Errors the domain raises; each carries a code whose bilingual text lives in `messages`."""

from __future__ import annotations


class SahlError(Exception):
    """Base of every error a person may see. `code` picks the bilingual message."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        # Values a client words the error with itself (problem details' `params`): plain numbers,
        # amounts, dates and codes, where `params` may hold texts in both languages.
        self.details: dict[str, object] = {}


class BadInput(SahlError):
    """The request was malformed; nothing was changed."""


class NotFound(SahlError):
    """The thing does not exist, or the person may not know that it does."""


class Forbidden(SahlError):
    """The person is known but may not do this (e.g. outside what a power of attorney grants)."""


class Conflict(SahlError):
    """The request clashes with the current state of things (someone else acted first)."""


class TooMany(SahlError):
    """Too many requests of this kind for now (a throttle): nothing was done; try again after
    `retry_after` seconds."""

    def __init__(self, code: str, retry_after: int, **params: object) -> None:
        super().__init__(code, **params)
        self.retry_after = retry_after


class Unavailable(SahlError):
    """An outside system Sahl needs for this (the payment gateway) does not answer now: nothing was
    done; try again after `retry_after` seconds."""

    def __init__(self, code: str, retry_after: int = 30, **params: object) -> None:
        super().__init__(code, **params)
        self.retry_after = retry_after


class NotReady(Conflict):
    """What was asked for is on its way but not there yet (a document's PDF still being rendered):
    try again after `retry_after` seconds. A 409, not a 503: nothing is wrong with the service."""

    def __init__(self, code: str, retry_after: int = 5, **params: object) -> None:
        super().__init__(code, **params)
        self.retry_after = retry_after


def retry_after(error: SahlError) -> int | None:
    """Seconds to wait before trying again, for the errors that pass with time (Retry-After)."""
    return error.retry_after if isinstance(error, TooMany | Unavailable | NotReady) else None


def http_status(error: SahlError) -> int:
    """The HTTP status that tells a client what kind of error this is."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, TooMany):
        return 429
    if isinstance(error, Unavailable):
        return 503
    return 400
