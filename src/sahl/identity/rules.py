"""Pure rules of identity: one-time codes by SMS (how long they live, how often they may be sent and
tried, how they are kept) and what a failed login is counted against (its source)."""

from __future__ import annotations

import datetime as dt
import enum
import hmac
import ipaddress
from dataclasses import dataclass

from django.utils.crypto import salted_hmac

# --- One-time codes by SMS ------------------------------------------------------------------------

CODE_DIGITS = 6
CODE_VALID = dt.timedelta(minutes=5)
CODE_TRIES = 5  # wrong tries of one code; then a new code must be asked for
RESEND_AFTER = dt.timedelta(seconds=60)  # between two codes to one person
CODES_PER_HOUR = 5  # codes sent to one person in any hour, whatever the purpose
HOUR = dt.timedelta(hours=1)
REMEMBERED = dt.timedelta(hours=24)  # spent codes are kept this long, to recognise a replay


def code_digest(salt: str, code: str) -> str:
    """What is stored of a code: an HMAC keyed with the secret key (a stolen table alone cannot be
    tried against the million possible codes), salted per code."""
    return salted_hmac("sahl.identity.sms-code", f"{salt}:{code}", algorithm="sha256").hexdigest()


def code_matches(salt: str, digest: str, typed: str) -> bool:
    return hmac.compare_digest(code_digest(salt, typed), digest)


def clean_code(typed: str) -> str | None:
    """The code as typed (spaces, dashes and Arabic-Indic digits allowed), or None if it cannot be
    one (then nothing is tried and no attempt is counted)."""
    digits = "".join(typed.split()).replace("-", "").translate(_ARABIC_DIGITS)
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class Check(enum.Enum):
    """What a typed code was, against the code the person is asked for."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    EXPIRED = "expired"
    USED = "used"
    EXHAUSTED = "exhausted"
    REPLACED = "replaced"  # an earlier code, replaced by the one sent since


@dataclass(frozen=True)
class CodeState:
    expires_at: dt.datetime
    attempts: int
    used: bool


def check_code(state: CodeState, matches: bool, now: dt.datetime) -> Check:
    """The order matters: a spent, exhausted or expired code is refused whatever is typed (and
    costs no try); only a live code is compared."""
    if state.used:
        return Check.USED
    if state.attempts >= CODE_TRIES:
        return Check.EXHAUSTED
    if now >= state.expires_at:
        return Check.EXPIRED
    if matches:
        return Check.ACCEPTED
    return Check.EXHAUSTED if state.attempts + 1 >= CODE_TRIES else Check.WRONG


def next_send_at(
    sent_at: list[dt.datetime], now: dt.datetime, previous: dt.datetime | None = None
) -> dt.datetime | None:
    """When the next code may be sent to a person, or None when it may go now. `previous` is when
    the code it replaces went (a new code for the same login or the same number): a minute must
    pass since. `sent_at` holds when every code went to the person, in any order: at most
    CODES_PER_HOUR in any hour."""
    waits = []
    if previous is not None and now - previous < RESEND_AFTER:
        waits.append(previous + RESEND_AFTER)
    recent = sorted(t for t in sent_at if now - t < HOUR)
    if len(recent) >= CODES_PER_HOUR:
        waits.append(recent[-CODES_PER_HOUR] + HOUR)
    return max(waits) if waits else None


def masked_phone(phone: str) -> str:
    """A mobile number as a page shows it to its owner: enough to recognise it, not to copy it."""
    if len(phone) < 4:
        return "•••"
    return f"{phone[:4]} ••••• {phone[-3:]}" if phone.startswith("+965") else f"••••• {phone[-3:]}"


# --- Proving who one is with the civil ID card (identity.joining) ---------------------------------

ADULT_AGE = 18  # younger people have no account of their own: their guardians act for them
PROVEN_FOR = dt.timedelta(minutes=15)  # to choose a password once the code was typed


def card_serial(typed: str) -> str:
    """A card serial as typed (spaces, dashes, Arabic-Indic digits, either case) in the register's form."""
    return "".join(typed.split()).replace("-", "").translate(_ARABIC_DIGITS).upper()


def same_serial(held: str, typed: str) -> bool:
    """Whether the typed serial is the card's, in constant time (a register entry without a serial
    matches nothing)."""
    return bool(held) and hmac.compare_digest(card_serial(held).encode(), card_serial(typed).encode())


# --- Throttling failed logins (identity.throttle) ---------------------------------------------------


def source_of(address: str) -> str:
    """The source a throttle counts: the IPv4 address, or the /64 network of an IPv6 address (one
    household or phone holds a whole /64)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:45] or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False).network_address) + "/64"
    return str(ip)


# --- The person's language ------------------------------------------------------------------------


def language_at_login(chosen_before: str | None, stored: str) -> str:
    """The language of the pages after logging in: the one the person just chose with the header's
    switch before logging in (the newest choice, which becomes their preference), else their stored
    preference, whatever this browser showed before."""
    return chosen_before or stored


# --- Who appoints and removes agency staff (identity.staff) ---------------------------------------

ADMIN = "agency_admin"
TEAM_ROLES = ("caseworker", "supervisor")  # what an agency's administrator appoints


@dataclass(frozen=True)
class Appointer:
    """Who asks to appoint or remove: a platform operator, and/or the administrator of one agency
    (`administers`, its id). A deployment script (the appoint_staff command) is `system`."""

    operator: bool = False
    administers: int | None = None
    system: bool = False

    @property
    def appoints_at_all(self) -> bool:
        return self.system or self.operator or self.administers is not None


def may_give(appointer: Appointer, agency_id: int, role: str) -> bool:
    """Whether the appointer may give (or take back) `role` at the agency: an operator names and
    removes agencies' administrators, an administrator the caseworkers and supervisors of their own
    agency; a deployment script anything."""
    if appointer.system:
        return True
    if role == ADMIN:
        return appointer.operator
    return role in TEAM_ROLES and appointer.administers == agency_id


def may_change(appointer: Appointer, agency_id: int, role: str, previous_role: str) -> bool:
    """A member's role changed in place: the appointer must be allowed both the role given and the
    one it replaces (an administrator cannot demote another administrator), except that an operator
    may make any member of the agency its administrator."""
    if not may_give(appointer, agency_id, role):
        return False
    return may_give(appointer, agency_id, previous_role) or (appointer.operator and role == ADMIN)


def may_remove(appointer: Appointer, agency_id: int, role: str, oneself: bool) -> bool:
    """Whether the appointer may end a member's role: what they may give, and an administrator may
    also step down from their own role (unless they are the last one: `leaves_no_admin`)."""
    if oneself and role == ADMIN and appointer.administers == agency_id:
        return True
    return may_give(appointer, agency_id, role)


def leaves_no_admin(role: str, oneself: bool, admins: int) -> bool:
    """An administrator removing (or demoting) themselves while no other administrator is left: the
    agency could no longer appoint anyone without an operator. An operator may still do it to them."""
    return oneself and role == ADMIN and admins <= 1
