"""Use cases of identity: creating the accounts of people and of agency staff."""

from __future__ import annotations

from django.db import transaction

from sahl.catalogue.models import Agency
from sahl.identity.models import StaffMembership, User
from sahl.registry.models import Person


@transaction.atomic
def open_account(person: Person, password: str, language: str = "ar") -> User:
    """Give a person of the population register a login (idempotent on the civil ID)."""
    user, created = User.objects.get_or_create(
        civil_id=person.civil_id,
        defaults={"name_ar": person.name_ar, "name_en": person.name_en, "preferred_language": language},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


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
