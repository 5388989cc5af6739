"""Joining Sahl and recovering an account by proving who one is (ADR 0057): the civil ID and the
serial number printed on the civil ID card, then a code by SMS to the mobile number the population
register holds (never one the person types), then a password of their choosing.

Nothing said before the code is typed tells whether a civil ID exists or has an account: an unknown
civil ID and a wrong serial get the same refusal, counted by the same throttle. Only someone who
holds the card learns more (a minor is told that their guardians act for them; a register entry
without a mobile number is told where to add one), and only someone who also holds the phone learns
whether an account existed. Joining and recovery are one proof: its end opens the account, or sets
a new password on the one that exists."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from allauth.account.signals import password_reset
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sahl.core.civil_id import CivilId
from sahl.core.errors import BadInput, Conflict
from sahl.core.languages import in_language
from sahl.identity import rules, services, signals, throttle
from sahl.identity.models import IdentityProof, User
from sahl.registry.adapters import age_on, registers

log = logging.getLogger(__name__)
Purpose = IdentityProof.Purpose


@dataclass(frozen=True)
class Sent:
    proof_id: int
    phone: str  # masked, for the page


@dataclass(frozen=True)
class Finished:
    user: User
    opened: bool  # a new account (else a new password on the one that existed)
    asks_second_factor: bool  # the account has one: logging in still asks for it


def start(civil_id: str, serial: str, purpose: str, language: str, address: str) -> Sent:
    """Check the card and send the code to the register's mobile number."""
    number = CivilId.parse(civil_id).value  # a typing mistake, said as such: it reveals nothing
    source = rules.source_of(address)
    if not throttle.allowed("join.pair", source, number):
        throttle.take("join.pair", source, number, refusal="join.paused")
    throttle.take("join.source", source, refusal="join.paused")
    card = registers().identity_card(number)
    if card is None or not rules.same_serial(card.card_serial, serial):
        throttle.record("join.pair", source, number)
        if card is not None:  # the holder sees that someone tried with their civil ID
            signals.proof_refused.send(User, civil_id=number, reason="card serial", address=address)
        log.info("identity proof refused", extra={"reason": "card"})
        raise BadInput("join.not_matched")
    if age_on(card.birth_date, timezone.localdate(services.clock())) < rules.ADULT_AGE:
        raise Conflict("join.minor")
    if not card.mobile:
        raise Conflict("join.no_mobile")
    return _send_code(number, Purpose(purpose), card.mobile, language, address, previous=None)


def resend(proof_id: int, language: str, address: str) -> Sent:
    """A new code for the same proof (a minute after the last one, five an hour to one civil ID)."""
    throttle.take("join.source", rules.source_of(address), refusal="join.paused")
    proof = IdentityProof.objects.filter(pk=proof_id, proven_at__isnull=True).first()
    card = registers().identity_card(proof.civil_id) if proof is not None else None
    if proof is None or card is None or not card.mobile:
        raise BadInput("sms.no_code")
    return _send_code(proof.civil_id, Purpose(proof.purpose), card.mobile, language, address, previous=proof)


def confirm(proof_id: int, typed: str, address: str) -> None:
    """The code typed back: the proof holds from now on, or the reason it was refused is raised."""
    cleaned = rules.clean_code(typed)
    if cleaned is None:
        raise BadInput("sms.code_format")
    throttle.take("join.source", rules.source_of(address), refusal="join.paused")
    with transaction.atomic():
        proof = IdentityProof.objects.select_for_update().filter(pk=proof_id).first()
        if proof is None:
            raise BadInput("sms.no_code")
        now = services.clock()
        state = rules.CodeState(proof.expires_at, proof.attempts, used=proof.proven_at is not None)
        outcome = rules.check_code(state, rules.code_matches(proof.salt, proof.digest, cleaned), now)
        if outcome is rules.Check.ACCEPTED:
            proof.proven_at = now
            proof.save(update_fields=["proven_at"])
        elif outcome in (rules.Check.WRONG, rules.Check.EXHAUSTED) and proof.attempts < rules.CODE_TRIES:
            proof.attempts += 1
            proof.save(update_fields=["attempts"])
        left = rules.CODE_TRIES - proof.attempts
    if outcome is rules.Check.ACCEPTED:
        log.info("identity proven", extra={"proof": proof_id})
        return
    if outcome in (rules.Check.WRONG, rules.Check.EXHAUSTED):
        signals.proof_refused.send(
            User, civil_id=proof.civil_id, reason=f"sms code {outcome.value}", address=address
        )
    log.info("identity proof refused", extra={"reason": outcome.value})
    if outcome is rules.Check.WRONG:
        raise BadInput("sms.code_wrong", left=left)
    raise BadInput(_REFUSALS[outcome])


def proven(proof_id: int) -> bool:
    """Whether the proof holds and may still lead to a password."""
    return _usable(IdentityProof.objects.filter(pk=proof_id).first())


def finish(proof_id: int, password: str, language: str, address: str) -> Finished:
    """Open the account with this password, or give the one that exists this new password (the
    password was checked against the password rules by the caller). Once per proof."""
    with transaction.atomic():
        proof = IdentityProof.objects.select_for_update().filter(pk=proof_id).first()
        if proof is None or not _usable(proof):
            raise Conflict("join.proof_ended")
        proof.finished_at = services.clock()
        proof.save(update_fields=["finished_at"])
        user = User.objects.select_for_update().filter(civil_id=proof.civil_id).first()
        opened = user is None
        if user is None:
            person = registers().person(proof.civil_id)
            if person is None:  # left the register between the code and the password
                raise Conflict("join.proof_ended")
            user = services.open_account(person, password, language)
            signals.account_opened.send(User, user=user, address=address)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
            password_reset.send(User, request=None, user=user)
            signals.password_set_by_proof.send(User, user=user, address=address)
    log.info("identity proof used", extra={"user": user.pk, "opened": opened})
    return Finished(user, opened, asks_second_factor=not opened and services.has_second_factor(user))


def _usable(proof: IdentityProof | None) -> bool:
    return (
        proof is not None
        and proof.proven_at is not None
        and proof.finished_at is None
        and services.clock() - proof.proven_at < rules.PROVEN_FOR
    )


_REFUSALS = {
    rules.Check.EXPIRED: "sms.code_expired",
    rules.Check.USED: "sms.code_used",
    rules.Check.EXHAUSTED: "sms.code_exhausted",
}

# The SMS reads in the language of the page that asked for it; it says what to do if the person did
# not ask (someone holding their card details tried).
_SMS = {
    Purpose.JOIN: _(
        "Your code to join Sahl: {code}\nValid for 5 minutes. Never give it to anyone. If you did not ask "
        "for it, someone typed your civil ID card's details: you need do nothing."
    ),
    Purpose.RECOVER: _(
        "Your code to choose a new Sahl password: {code}\nValid for 5 minutes. Never give it to anyone. "
        "If you did not ask for it, someone typed your civil ID card's details: you need do nothing."
    ),
}


def _send_code(
    civil_id: str,
    purpose: IdentityProof.Purpose,
    phone: str,
    language: str,
    address: str,
    previous: IdentityProof | None,
) -> Sent:
    code = "".join(secrets.choice("0123456789") for _ in range(rules.CODE_DIGITS))
    salt = secrets.token_hex(16)
    with transaction.atomic():
        now = services.clock()
        recent = list(
            IdentityProof.objects.select_for_update()
            .filter(civil_id=civil_id, sent_at__gt=now - rules.HOUR)
            .values_list("sent_at", flat=True)
        )
        wait = rules.next_send_at(recent, now, previous.sent_at if previous is not None else None)
        if wait is not None:
            if wait - now <= rules.RESEND_AFTER:
                raise Conflict("sms.wait")
            raise Conflict("sms.too_many", time=_local(wait))
        IdentityProof.objects.filter(civil_id=civil_id, sent_at__lt=now - rules.REMEMBERED).delete()
        if previous is not None:  # the new code replaces it
            IdentityProof.objects.filter(pk=previous.pk).update(expires_at=now)
        row = IdentityProof.objects.create(
            civil_id=civil_id,
            purpose=purpose,
            salt=salt,
            digest=rules.code_digest(salt, code),
            sent_at=now,
            expires_at=now + rules.CODE_VALID,
        )
        signals.proof_started.send(User, civil_id=civil_id, purpose=purpose.value, address=address)
    text = in_language(_SMS[purpose], language).format(code=code)
    if not services.hand_to_gateway(phone, text, f"identity-proof-{row.pk}-{salt[:8]}"):
        IdentityProof.objects.filter(pk=row.pk).update(expires_at=services.clock(), attempts=rules.CODE_TRIES)
        raise Conflict("sms.not_sent")
    log.info("identity proof code sent", extra={"proof": row.pk})
    return Sent(proof_id=row.pk, phone=rules.masked_phone(phone))


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")
