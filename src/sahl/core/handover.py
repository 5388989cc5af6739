"""How a sender says what happened when it handed a message to an outside system (an SMTP server,
an SMS provider), so that a message is never sent twice: `NotSent` (nothing left: safe to try
again), `Refused` (will never go: stop), `MaybeSent` (the hand-over was interrupted: it may have
gone, so never retry automatically)."""

from __future__ import annotations


class SendFailed(Exception):
    """A message did not (certainly) reach the provider; `reason` is a short code for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotSent(SendFailed):
    """The provider did not take the message; trying again later is safe."""


class Refused(SendFailed):
    """The provider refused the message for good (a bad address, a rejected content)."""


class MaybeSent(SendFailed):
    """The hand-over broke off after the provider may have taken the message."""
