"""Use cases of identity: the accounts of people and of agency staff, the second factor by SMS,
and the throttling of wrong passwords and codes."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sahl.catalogue.models import Agency
from sahl.core.contacts import InvalidContact, normalize_phone
from sahl.core.errors import BadInput, Conflict, NotFound
from sahl.core.handover import MaybeSent, NotSent, Refused
from sahl.core.languages import in_language
from sahl.identity import kept, rules, signals, throttle
from sahl.identity.models import SmsCode, SmsFactor, StaffMembership, User
from sahl.registry.adapters import PersonRecord
from sahl.sms.gateways import sms_gateway

log = logging.getLogger(__name__)


@transaction.atomic
def open_account(person: PersonRecord, password: str, language: str = "ar") -> User:
    """Give a person of the population register a login (idempotent on the civil ID)."""
    user, created = User.objects.get_or_create(
        civil_id=person.civil_id,
        defaults={"name_ar": person.name.ar, "name_en": person.name.en, "preferred_language": language},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def choose_language(user: User, language: str) -> None:
    """The person's one language: of Sahl's pages (set at each login) and of their messages (inbox,
    e-mail, SMS). Only this column is written: a stale copy of the user must not undo other changes."""
    if language not in User.Language.values:
        raise ValueError(f"not a language of Sahl: {language!r}")
    if user.preferred_language != language:
        User.objects.filter(pk=user.pk).update(preferred_language=language)
        user.preferred_language = language
        kept.forget(user.pk)


@transaction.atomic
def appoint_staff(user: User, agency: Agency, role: str) -> StaffMembership:
    membership, _ = StaffMembership.objects.update_or_create(
        user=user, defaults={"agency": agency, "role": role}
    )
    return membership


@transaction.atomic
def enable_totp(user: User, secret: str) -> None:
    """Give the person an authenticator-app second factor (idempotent), as the demo data needs."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)


# --- The second factor by SMS ----------------------------------------------------------------------
#
# A code is six random digits, sent through the notifications SMS gateway and kept only as a keyed
# hash (identity.rules). Neither the code nor the phone number ever reaches a log line.


def clock() -> dt.datetime:
    """Now. Tests replace it to move time on without waiting."""
    return timezone.now()


@dataclass(frozen=True)
class SentCode:
    code_id: int
    phone: str  # masked, for the page


def sms_phone_of(user: User) -> str | None:
    """The masked number of the person's SMS second factor, or None without one."""
    phone = SmsFactor.objects.filter(user=user).values_list("phone", flat=True).first()
    return rules.masked_phone(phone) if phone else None


def has_sms_factor(user: User) -> bool:
    return SmsFactor.objects.filter(user=user).exists()


def has_second_factor(user: User) -> bool:
    """A passkey, an authenticator app or a code by SMS (recovery codes alone do not count)."""
    from allauth.mfa.models import Authenticator

    factors = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
    return Authenticator.objects.filter(user=user, type__in=factors).exists() or has_sms_factor(user)


def start_sms_enrolment(user: User, phone: str, language: str, address: str = "") -> SentCode:
    """Send a code to the number the person wants for their SMS second factor; it becomes their
    factor once they type the code back (confirm_sms_enrolment)."""
    try:
        number = normalize_phone(phone)
    except InvalidContact:
        raise BadInput("sms.phone") from None
    if not number:
        raise BadInput("sms.phone_needed")
    pending = _pending_enrolment(user)
    previous = pending.pk if pending is not None and pending.phone == number else None
    return _send_code(user, SmsCode.Purpose.ENROL, number, language, previous)


def resend_sms_enrolment(user: User, language: str) -> SentCode:
    pending = _pending_enrolment(user)
    if pending is None:
        raise BadInput("sms.no_code")
    return _send_code(user, SmsCode.Purpose.ENROL, pending.phone, language, pending.pk)


def pending_sms_enrolment(user: User) -> str | None:
    """The masked number waiting to be confirmed, if a code for it is still alive."""
    pending = _pending_enrolment(user)
    return rules.masked_phone(pending.phone) if pending else None


def _pending_enrolment(user: User) -> SmsCode | None:
    return (
        SmsCode.objects.filter(
            user=user, purpose=SmsCode.Purpose.ENROL, used_at__isnull=True, sent_at__gt=clock() - rules.HOUR
        )
        .order_by("-sent_at", "-pk")
        .first()
    )


def confirm_sms_enrolment(user: User, typed: str, address: str = "") -> None:
    """The person typed the code sent to the new number: it becomes their SMS second factor (in
    place of an earlier number), and the security log says so."""
    pending = _pending_enrolment(user)
    if pending is None:
        raise BadInput("sms.no_code")

    def enable(code: SmsCode) -> None:
        SmsFactor.objects.update_or_create(
            user=user, defaults={"phone": code.phone, "enabled_at": clock(), "last_used_at": None}
        )
        signals.sms_factor_changed.send(User, user=user, added=True, address=address)

    _use_code(user, pending.pk, SmsCode.Purpose.ENROL, typed, address, then=enable)
    log.info("sms second factor enabled", extra={"user": user.pk})


@transaction.atomic
def disable_sms_factor(user: User, address: str = "") -> None:
    deleted, _ = SmsFactor.objects.filter(user=user).delete()
    SmsCode.objects.filter(user=user, used_at__isnull=True).update(expires_at=clock())
    if deleted:
        signals.sms_factor_changed.send(User, user=user, added=False, address=address)
        log.info("sms second factor disabled", extra={"user": user.pk})


def send_login_code(user: User, language: str, previous: int | None = None) -> SentCode:
    """At login, after the password: send a code to the person's SMS second factor (`previous`:
    the code sent earlier in the same login, which the new one replaces)."""
    factor = SmsFactor.objects.filter(user=user).first()
    if factor is None:
        raise NotFound("sms.no_factor")
    return _send_code(user, SmsCode.Purpose.LOGIN, factor.phone, language, previous)


def verify_login_code(user: User, code_id: int | None, typed: str, address: str = "") -> None:
    """The code typed at login, against the code sent in this login (`code_id`). Raises a
    SahlError whose code says why it was refused (wrong, expired, already used, too many tries)."""
    if code_id is None:
        raise BadInput("sms.no_code")
    until = second_factor_paused_until(user, address)
    if until is not None:  # wrong codes from here, app or SMS alike: not tried, not counted
        raise Conflict("login.codes_paused", time=timezone.localtime(until).strftime("%H:%M"))

    def used(code: SmsCode) -> None:
        SmsFactor.objects.filter(user=user).update(last_used_at=code.used_at)

    try:
        _use_code(user, code_id, SmsCode.Purpose.LOGIN, typed, address, then=used)
    except BadInput as refused:
        if refused.code in _TRIED_WRONG:
            record_failed_second_factor(user, address)
        raise


_TRIED_WRONG = {"sms.code_wrong", "sms.code_exhausted"}  # a code was compared and did not match


# The SMS reads in the language the caller gives: the one the person uses on the page that asked.
_TEXTS = {
    SmsCode.Purpose.LOGIN: _(
        "Your Sahl login code: {code}\nValid for 5 minutes. Never give it to anyone; we will never ask for it."
    ),
    SmsCode.Purpose.ENROL: _(
        "Your code to confirm this mobile number in Sahl: {code}\nValid for 5 minutes. Never give it to anyone."
    ),
}


def _send_code(user: User, purpose: str, phone: str, language: str, previous: int | None) -> SentCode:
    """Write the code's hash (after the sending limits: a minute after the code it replaces, five
    an hour to one person), then hand the SMS to the gateway outside the transaction. A code the
    gateway did not take is withdrawn."""
    code = "".join(secrets.choice("0123456789") for _ in range(rules.CODE_DIGITS))
    salt = secrets.token_hex(16)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one sender per person at a time
        now = clock()
        recent = dict(
            SmsCode.objects.filter(user=user, sent_at__gt=now - rules.HOUR).values_list("pk", "sent_at")
        )
        wait = rules.next_send_at(list(recent.values()), now, recent.get(previous) if previous else None)
        if wait is not None:  # within a minute: "wait a moment"; longer: the time it may be asked for
            if wait - now <= rules.RESEND_AFTER:
                raise Conflict("sms.wait")
            raise Conflict("sms.too_many", time=timezone.localtime(wait).strftime("%H:%M"))
        SmsCode.objects.filter(user=user, sent_at__lt=now - rules.REMEMBERED).delete()
        row = SmsCode.objects.create(
            user=user,
            purpose=purpose,
            phone=phone if purpose == SmsCode.Purpose.ENROL else "",
            salt=salt,
            digest=rules.code_digest(salt, code),
            sent_at=now,
            expires_at=now + rules.CODE_VALID,
        )
    text = in_language(_TEXTS[SmsCode.Purpose(purpose)], language).format(code=code)
    if not hand_to_gateway(phone, text, f"sms-code-{row.pk}-{salt[:8]}"):
        SmsCode.objects.filter(pk=row.pk).update(expires_at=clock(), attempts=rules.CODE_TRIES)
        raise Conflict("sms.not_sent")
    log.info("sms code sent", extra={"user": user.pk, "purpose": purpose, "sms_code": row.pk})
    return SentCode(code_id=row.pk, phone=rules.masked_phone(phone))


def hand_to_gateway(phone: str, text: str, reference: str) -> bool:
    """Give one SMS carrying a code to the gateway, outside any transaction: False if it surely did
    not go (the caller withdraws the code), True if it went or may have gone (the code stays valid:
    it may arrive)."""
    try:
        sms_gateway().send(phone, text, reference)
    except (NotSent, Refused) as error:
        log.warning("sms code not sent", extra={"reason": error.reason})
        return False
    except MaybeSent as error:
        log.warning("sms code maybe sent", extra={"reason": error.reason})
    return True


_REFUSALS = {
    rules.Check.WRONG: "sms.code_wrong",
    rules.Check.EXPIRED: "sms.code_expired",
    rules.Check.USED: "sms.code_used",
    rules.Check.EXHAUSTED: "sms.code_exhausted",
    rules.Check.REPLACED: "sms.code_replaced",
}


def _use_code(
    user: User, code_id: int, purpose: str, typed: str, address: str, then: Callable[[SmsCode], None]
) -> None:
    """Accept the code once (and do `then` in the same transaction), or count the wrong try and
    raise why it was refused. A typed code that was already used (a replay) or that an earlier SMS
    carried is named as such."""
    cleaned = rules.clean_code(typed)
    if cleaned is None:
        raise BadInput("sms.code_format")
    with transaction.atomic():
        row = SmsCode.objects.select_for_update().filter(pk=code_id, user=user, purpose=purpose).first()
        if row is None:
            raise BadInput("sms.no_code")
        now = clock()
        state = rules.CodeState(
            expires_at=row.expires_at, attempts=row.attempts, used=row.used_at is not None
        )
        outcome = rules.check_code(state, rules.code_matches(row.salt, row.digest, cleaned), now)
        if outcome is rules.Check.ACCEPTED:
            row.used_at = now
            row.save(update_fields=["used_at"])
            then(row)
        elif outcome in (rules.Check.WRONG, rules.Check.EXHAUSTED) and row.attempts < rules.CODE_TRIES:
            row.attempts += 1
            row.save(update_fields=["attempts"])
        tries_left = rules.CODE_TRIES - row.attempts
    if outcome is rules.Check.ACCEPTED:
        log.info("sms code accepted", extra={"user": user.pk, "purpose": purpose, "sms_code": code_id})
        return
    if outcome in (rules.Check.WRONG, rules.Check.EXHAUSTED):
        outcome = _earlier_code(user, code_id, cleaned) or outcome
    log.info("sms code refused", extra={"user": user.pk, "purpose": purpose, "outcome": outcome.value})
    if purpose == SmsCode.Purpose.LOGIN:
        signals.login_code_refused.send(User, user=user, outcome=outcome.value, address=address)
    if outcome is rules.Check.WRONG:
        raise BadInput("sms.code_wrong", left=tries_left)
    raise BadInput(_REFUSALS[outcome])


def _earlier_code(user: User, code_id: int, typed: str) -> rules.Check | None:
    """A typed code that matches one of the person's earlier codes: USED if it was spent (a
    replay), REPLACED if a newer code took its place."""
    earlier = SmsCode.objects.filter(user=user, sent_at__gt=clock() - rules.REMEMBERED).exclude(pk=code_id)
    for row in earlier.order_by("-sent_at")[:20]:
        if rules.code_matches(row.salt, row.digest, typed):
            return rules.Check.USED if row.used_at is not None else rules.Check.REPLACED
    return None


@transaction.atomic
def enable_sms_factor(user: User, phone: str) -> None:
    """Give the person an SMS second factor for a number known to be theirs (the demo data)."""
    SmsFactor.objects.get_or_create(user=user, defaults={"phone": normalize_phone(phone)})


# --- Throttling failed logins and second factors (identity.throttle, ADR 0014) ---------------------
#
# A wrong password slows down its source and the pair of that source and the account; it never
# stops the account for everyone. Past the account's ceiling of wrong passwords from everywhere
# (login.account), each source keeps one try a day on that account: a distributed guesser is slowed
# to one guess per address per day, while the person typing the right password from a new place (or
# from their own device, if it has not failed today) gets in at once. Passkeys are never throttled
# here: there is no secret to guess. Attempts refused by the throttle are not counted.


def login_paused_until(identifier: str, address: str) -> dt.datetime | None:
    """When a password login for this account (the civil ID typed) from this address may be tried
    again, or None if it may be tried now."""
    return _until(_login_limits(identifier, address, checking=True))


def record_failed_login(identifier: str, address: str) -> None:
    """A wrong password that was tried: counted against the source, the pair and the account."""
    for name, *keys in _login_limits(identifier, address, checking=False):
        throttle.record(name, *keys)
        if name != "login.pair_first" and not throttle.allowed(name, *keys):
            log.warning("login throttled", extra={"limit": name})  # no civil ID, no address


def clear_failed_logins(identifier: str, address: str, *, password_reset: bool = False) -> None:
    """A successful login from this address forgets its wrong passwords and codes for the account
    there (not the source's own count, nor the account's: an attacker could mix in logins of their
    own between guesses). A password reset also forgets the account's count: guesses at the old
    password tell nothing about the new one."""
    account, source = _account(identifier), rules.source_of(address)
    if not account:
        return
    for name in ("login.pair", "login.pair_first", "second_factor"):
        throttle.clear(name, source, account)
    if password_reset:
        throttle.clear("login.account", account)


def second_factor_paused_until(user: User, address: str) -> dt.datetime | None:
    """When this person may type a second-factor code again from this address, or None for now."""
    return _until([("second_factor", rules.source_of(address), _account(user.civil_id))])


def record_failed_second_factor(user: User, address: str) -> None:
    """A wrong code (authenticator app, recovery code or SMS) typed after a right password."""
    source, account = rules.source_of(address), _account(user.civil_id)
    throttle.record("second_factor", source, account)
    if not throttle.allowed("second_factor", source, account):
        log.warning("second factor throttled", extra={"user": user.pk})


def _account(identifier: str) -> str:
    return identifier.strip().lower()


def _login_limits(identifier: str, address: str, *, checking: bool) -> list[tuple[str, ...]]:
    """The limits one password login is counted against (`checking=False`) or held by (True)."""
    source, account = rules.source_of(address), _account(identifier)
    limits: list[tuple[str, ...]] = [("login.source", source)]
    if account:
        limits.append(("login.pair", source, account))
        if not checking:
            limits += [("login.pair_first", source, account), ("login.account", account)]
        elif not throttle.allowed("login.account", account):  # under attack: one try a day per source
            limits.append(("login.pair_first", source, account))
    return limits


def _until(limits: list[tuple[str, ...]]) -> dt.datetime | None:
    wait = max((throttle.wait_seconds(name, *keys) for name, *keys in limits), default=0)
    return clock() + dt.timedelta(seconds=wait) if wait else None
