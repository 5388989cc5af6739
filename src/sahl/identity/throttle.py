"""One throttle for whatever can be guessed or flooded: passwords, second factors, agencies' client
secrets, filing applications, reports and Open311 requests (ADR 0014, ADR 0025).

Each limit is a name and one or more `limits` rate items (the library PyPI's warehouse uses), kept
with limits' fixed-window strategy: a window opens at a key's first hit and lasts the item's
period; past `amount` hits in it, `allowed()` says no until it ends. A limit with several items
("5 per 5 minutes; 20 per day") refuses while any of them is spent.

Where the counters live must be shared by every process and machine that serves Sahl:

- with `SAHL_CACHE_URL` (Redis), limits' own Redis storage;
- without it (`make run`, the tests, one machine on SQLite or PostgreSQL), `DatabaseStorage` below:
  a `limits` storage on one table (`identity.RateCount`), one row per key, incremented atomically
  with its expiry in one statement. The rate-limiting algorithm stays the library's.

Keys are a keyed hash (HMAC with the secret key) of the limit's name and its identifiers, so no
civil ID or address reaches the storage, a log line or an error."""

from __future__ import annotations

import datetime as dt
import math
import secrets
import time
from functools import cache
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.crypto import salted_hmac
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage, Storage
from limits.strategies import FixedWindowRateLimiter

from sahl.core.errors import TooMany
from sahl.identity.models import RateCount
from sahl.identity.rules import source_of

# name -> the rate items it enforces. Which limits a use case counts, and when, is its own business
# (identity.services for logins and second factors, integrations for the agency token endpoint,
# the filing views of applications, complaints and Open311 for filing).
LIMITS: dict[str, tuple[RateLimitItem, ...]] = {
    name: tuple(parse_many(rates))
    for name, rates in {
        # Wrong passwords from one source (an IPv4 address, an IPv6 /64), whatever the account: a
        # guesser trying many accounts. Gentle: many people may share a mobile operator's address.
        "login.source": "60 per 10 minutes; 1000 per day",
        # Wrong passwords for one account from one source: the guesser who wants this account.
        "login.pair": "5 per 5 minutes; 20 per day",
        # Wrong passwords for one account from every source together. It never refuses by itself;
        # past it the account is "under attack" and each source keeps a single try a day on it
        # (login.pair_first): a distributed guesser is slowed, a person typing their password from
        # a new place still gets in at the first try (identity.services.login_paused_until).
        "login.account": "100 per day",
        "login.pair_first": "1 per day",
        # Wrong second-factor codes (authenticator app, recovery code, SMS) for one account from one
        # source, after a right password. Looser than an SMS code's own 5 tries, so that a new code
        # a minute later can still be typed.
        "second_factor": "10 per 5 minutes; 30 per day",
        # Joining Sahl or recovering an account (identity.joining): every step from one source (a
        # card, a code, a new code), and the card serials that did not match one civil ID from one
        # source (a serial has a billion values: a guesser needs more sources than exist). A code's
        # own tries and the codes per civil ID follow the SMS rules above.
        "join.source": "30 per 10 minutes; 300 per day",
        "join.pair": "5 per hour; 10 per day",
        # Failed client logins at the agency token endpoint from one source (docs/agency-api.md).
        "agency.token": "10 per 15 minutes",
        # Applications filed by one logged-in person: generous, against scripts and mistakes
        # (SAHL_FILING_RATE; load tests that file hundreds as one person raise it).
        "filing": settings.SAHL_FILING_RATE,
        # Reports one logged-in person files (each try counts, before any photo is read).
        "complaint": "20 per 10 minutes; 100 per day",
        # Applications, reports and Open311 requests from one source, whoever files them: a script
        # behind many accounts (SAHL_FILING_SOURCE_RATE: a carrier-grade NAT may need more).
        "filing.source": settings.SAHL_FILING_SOURCE_RATE,
        # Names of notices' addressees one staff member looks up (notifications.notices): enough
        # for a day of notices, too few to list who holds which civil ID.
        "notice.addressee": "30 per 10 minutes; 300 per day",
        # Logins with the wallet (wallet.logins), per source. Every login page a new browser opens
        # starts a request (a small row, swept an hour after its two minutes): generous, since a
        # mobile operator's address is shared by many people, yet bounded. The answers wallets post
        # are what a guesser or a flood would send: a person needs a handful.
        "wallet_login.start": "600 per 10 minutes; 10000 per day",
        "wallet_login.answer": "30 per 10 minutes; 300 per day",
        # Service requests one Open311 client application files for all its users.
        "open311.client": "600 per 10 minutes; 10000 per day",
    }.items()
}


def now() -> float:
    """Seconds since the epoch: the clock of the database storage (tests move it)."""
    return time.time()


def allowed(name: str, *keys: str) -> bool:
    """Whether one more hit of the limit would be within every one of its rates (counts nothing)."""
    limiter, identity = _limiter(), _identity(name, keys)
    return all(limiter.test(item, name, identity) for item in LIMITS[name])


def hit(name: str, *keys: str) -> bool:
    """Take one hit if the limit allows it: True if taken; False (and nothing counted) if not."""
    if not allowed(name, *keys):
        return False
    record(name, *keys)
    return True


def record(name: str, *keys: str) -> None:
    """Count one hit in every rate of the limit, allowed or not (a failure that was tried)."""
    limiter, identity = _limiter(), _identity(name, keys)
    for item in LIMITS[name]:
        limiter.hit(item, name, identity)


def wait_seconds(name: str, *keys: str) -> int:
    """Seconds until the limit allows one more hit: 0 if it does now."""
    limiter, identity = _limiter(), _identity(name, keys)
    waits = [
        limiter.get_window_stats(item, name, identity).reset_time - now()
        for item in LIMITS[name]
        if not limiter.test(item, name, identity)
    ]
    return max(1, math.ceil(round(max(waits), 2))) if waits else 0  # rounded first: float noise


def take(name: str, *keys: str, refusal: str) -> None:
    """Take one hit, or raise TooMany with the message `refusal` (its `{time}` is when to try again,
    in the local time) and the seconds to wait, for a 429 answer. Nothing is counted when refused."""
    take_all((name, keys, refusal))


def take_all(*limits: tuple[str, tuple[str, ...], str]) -> None:
    """One hit of each (name, keys, refusal), or none: the first limit that is spent raises its
    TooMany (as `take`) and nothing is counted in any of them. In the database, one read of every
    rate's count and one upsert of them all, whatever their number (ADR 0047)."""
    storage = _limiter().storage
    if isinstance(storage, DatabaseStorage):
        keyed = [
            (name, keys, refusal, item, item.key_for(name, _identity(name, keys)))
            for name, keys, refusal in limits
            for item in LIMITS[name]
        ]
        counts = storage.live_counts([key for *_, key in keyed])
        spent = next(((n, k, r) for n, k, r, item, key in keyed if counts.get(key, 0) >= item.amount), None)
        if spent is None:
            storage.incr_all([(key, item.get_expiry()) for *_, item, key in keyed])
            return
        limits = (spent,)  # refused below, as a spent limit is everywhere
    for name, keys, refusal in limits:
        if not allowed(name, *keys):
            wait = wait_seconds(name, *keys) or 1
            again = dt.datetime.fromtimestamp(now() + wait, tz=dt.UTC)
            raise TooMany(refusal, retry_after=wait, time=timezone.localtime(again).strftime("%H:%M"))
    for name, keys, _ in limits:
        record(name, *keys)


def take_filing(name: str, filer: str, address: str, *, refusal: str) -> None:
    """One filing: a hit of `name` for whoever files (a person's id) and of "filing.source" for the
    address it comes from (`identity.current.address_of`), or a TooMany counting neither."""
    take_all(
        (name, (filer,), refusal),
        ("filing.source", (source_of(address),), "filing.too_many_from_source"),
    )


def clear(name: str, *keys: str) -> None:
    """Forget the limit's hits for these keys (e.g. a successful login forgets its source's)."""
    limiter, identity = _limiter(), _identity(name, keys)
    for item in LIMITS[name]:
        limiter.clear(item, name, identity)


def _identity(name: str, keys: tuple[str, ...]) -> str:
    """The limit's identifiers as the storage keeps them: a keyed hash, never the values."""
    value = "\x1f".join((name, *keys))
    return salted_hmac("sahl.identity.throttle", value, algorithm="sha256").hexdigest()


def _limiter() -> FixedWindowRateLimiter:
    return _limiter_for(str(getattr(settings, "SAHL_CACHE_URL", "") or ""))


@cache
def _limiter_for(cache_url: str) -> FixedWindowRateLimiter:
    """One limiter per process and storage: Redis with a shared cache, else the database."""
    if cache_url:
        storage: Storage = RedisStorage(cache_url, key_prefix="sahl-throttle")
    else:
        storage = DatabaseStorage()
    return FixedWindowRateLimiter(storage)


# One statement, atomic on PostgreSQL and SQLite alike: a new key, or a key whose window has ended,
# starts at the amount with a new expiry; a live key adds the amount and keeps its expiry.
_INCR = """
INSERT INTO "identity_ratecount" ("key", "count", "expires_at") VALUES (%s, %s, %s)
ON CONFLICT ("key") DO UPDATE SET
  "count" = CASE WHEN "identity_ratecount"."expires_at" <= %s THEN excluded."count"
            ELSE "identity_ratecount"."count" + excluded."count" END,
  "expires_at" = CASE WHEN "identity_ratecount"."expires_at" <= %s THEN excluded."expires_at"
                 ELSE "identity_ratecount"."expires_at" END
RETURNING "count"
"""


class DatabaseStorage(Storage):
    """A `limits` storage on one table of Sahl's database, for the fixed-window strategy: every
    process and machine that shares the database shares the counters. `incr` is one atomic
    statement (INSERT ... ON CONFLICT DO UPDATE ... RETURNING, the same on PostgreSQL and SQLite):
    a key whose window has ended starts again at the amount, with a new expiry.

    Counts are read from and written to the primary database, in the caller's connection: callers
    count outside transactions that may roll back (a hit must count even when the request fails)."""

    STORAGE_SCHEME = ["sahl+db"]
    SWEEP_ONE_IN = 500  # an increment deletes the rows past their window this often, on average

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return DatabaseError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        moment = now()
        with connections["default"].cursor() as cursor:
            cursor.execute(_INCR, [key, amount, moment + expiry, moment, moment])
            row = cursor.fetchone()
        if secrets.randbelow(self.SWEEP_ONE_IN) == 0:
            RateCount.objects.using("default").filter(expires_at__lte=moment).delete()
        return int(row[0]) if row else amount

    def incr_all(self, keys: list[tuple[str, int]]) -> None:
        """`incr` of each (key, expiry) by one, in one statement (the keys are distinct)."""
        moment = now()
        head, _, tail = _INCR.replace('RETURNING "count"', "").partition("VALUES (%s, %s, %s)")
        values = ", ".join(["(%s, %s, %s)"] * len(keys))
        params: list[Any] = [p for key, expiry in keys for p in (key, 1, moment + expiry)]
        with connections["default"].cursor() as cursor:
            cursor.execute(f"{head}VALUES {values}{tail}", [*params, moment, moment])
        if secrets.randbelow(self.SWEEP_ONE_IN) == 0:
            RateCount.objects.using("default").filter(expires_at__lte=moment).delete()

    def live_counts(self, keys: list[str]) -> dict[str, int]:
        """The counts of these keys whose window is open, in one read (absent: none)."""
        found = RateCount.objects.using("default").filter(key__in=keys, expires_at__gt=now())
        return {key: int(count) for key, count in found.values_list("key", "count")}

    def get(self, key: str) -> int:
        row = self._live(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._live(key)
        return row[1] if row else now()

    def _live(self, key: str) -> tuple[int, float] | None:
        found = (
            RateCount.objects.using("default")
            .filter(key=key, expires_at__gt=now())
            .values_list("count", "expires_at")
            .first()
        )
        return (int(found[0]), float(found[1])) if found else None

    def clear(self, key: str) -> None:
        RateCount.objects.using("default").filter(key=key).delete()

    def reset(self) -> int | None:
        deleted, _ = RateCount.objects.using("default").all().delete()
        return deleted

    def check(self) -> bool:
        try:
            RateCount.objects.using("default").exists()
        except DatabaseError:
            return False
        return True
