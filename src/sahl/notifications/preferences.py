"""The person's notification settings: where messages go (e-mail, phone), by which channels, and
the person's language (one, for pages and messages: identity.languages, ADR 0034)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from sahl.applications.rules import FormInvalid
from sahl.core import contacts
from sahl.core.languages import Wording
from sahl.identity.models import User
from sahl.notifications import labels


@dataclass(frozen=True)
class Preferences:
    email: str
    phone: str
    notify_by_email: bool
    notify_by_sms: bool
    language: str


def preferences_of(user: User) -> Preferences:
    return Preferences(
        user.email, user.phone, user.notify_by_email, user.notify_by_sms, user.preferred_language
    )


def save_preferences(
    user: User, *, email: str, phone: str, notify_by_email: bool, notify_by_sms: bool, language: str
) -> Preferences:
    """Check everything first; a malformed e-mail or phone changes nothing (FormInvalid per field)."""
    errors: dict[str, Wording] = {}
    clean_email = clean_phone = ""
    try:
        clean_email = contacts.normalize_email(email)
    except contacts.InvalidContact:
        errors["email"] = labels.ERRORS["email"]
    try:
        clean_phone = contacts.normalize_phone(phone)
    except contacts.InvalidContact:
        errors["phone"] = labels.ERRORS["phone"]
    if notify_by_email and not clean_email and "email" not in errors:
        errors["email"] = labels.ERRORS["email_needed"]
    if notify_by_sms and not clean_phone and "phone" not in errors:
        errors["phone"] = labels.ERRORS["phone_needed"]
    if language not in ("ar", "en"):
        errors["language"] = labels.ERRORS["language"]
    if errors:
        raise FormInvalid(errors)
    user.email, user.phone = clean_email, clean_phone
    user.notify_by_email, user.notify_by_sms = notify_by_email, notify_by_sms
    user.preferred_language = language
    with transaction.atomic():
        user.save(update_fields=["email", "phone", "notify_by_email", "notify_by_sms", "preferred_language"])
    return preferences_of(user)
