"""Channels: how one kind of delivery leaves Sahl. Each is an adapter behind one Protocol, registered
by the app that owns it (notifications: e-mail and SMS; integrations: agencies' systems; payments:
refunds at the gateway), so the outbox's engine knows no app above it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sahl.outbox.models import Delivery


@dataclass(frozen=True)
class Sent:
    """The other side took it; `result` is what it answered (kept on the delivery)."""

    result: dict[str, Any] = field(default_factory=dict)
    status_code: int | None = None


@dataclass(frozen=True)
class Retry:
    """Not taken this time (down, timed out, busy): try again later."""

    error: str
    status_code: int | None = None


@dataclass(frozen=True)
class Failed:
    """Refused for good: trying again would not help. `answered`: the destination itself is well and
    said no about this one delivery (a push service's "this subscription is gone"), so its circuit
    breaker does not count it as a failure."""

    error: str
    status_code: int | None = None
    answered: bool = False


@dataclass(frozen=True)
class Uncertain:
    """It may or may not have gone: a person decides."""

    error: str
    status_code: int | None = None


Outcome = Sent | Retry | Failed | Uncertain


class Channel(Protocol):
    name: str
    # After a cut-off attempt (the worker died mid-send): send again (the other side de-duplicates
    # on the delivery's key), or leave it uncertain for an operator (e-mail and SMS would be doubled).
    resend_when_cut_off: bool

    def prepare(self, delivery: Delivery) -> Any:
        """Inside the claim's transaction: everything the send needs (rows read, body signed)."""

    def send(self, prepared: Any) -> Outcome:
        """Outside any transaction: hand it over and say how it went."""

    def settled(self, delivery: Delivery) -> None:
        """Inside the transaction that records a sent, failed or uncertain delivery: what the
        owning app does then (record the agency's answer on the application, log a notice)."""


_CHANNELS: dict[str, Channel] = {}


def register(channel: Channel) -> None:
    _CHANNELS[channel.name] = channel


def channel(name: str) -> Channel:
    try:
        return _CHANNELS[name]
    except KeyError:
        raise LookupError(f"no outbox channel {name!r} is registered") from None


def names() -> list[str]:
    return sorted(_CHANNELS)
