"""Identity's section of "My data": the account, its notification choices, staff role and second
factors (core.personal_data; contributed from `IdentityConfig.ready`)."""

from __future__ import annotations

import datetime as dt

from allauth.mfa.models import Authenticator
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext_lazy as _
from pydantic import with_config
from typing_extensions import TypedDict

from sahl.core.personal_data import STRICT, AgencyRef, Contribution, Person, Text, bilingual, text
from sahl.identity.models import SmsFactor, StaffMembership


@with_config(STRICT)
class SecondFactor(TypedDict):
    """A second factor by type and dates: never its secret, key or recovery codes."""

    type: str  # totp, webauthn (a passkey), recovery_codes, sms
    name: str  # the name you gave a passkey; empty otherwise
    phone: str  # the confirmed mobile number of the SMS second factor; empty otherwise
    created_at: dt.datetime
    last_used_at: dt.datetime | None


@with_config(STRICT)
class StaffRole(TypedDict):
    agency: AgencyRef
    role: str
    since: dt.datetime


@with_config(STRICT)
class Account(TypedDict):
    """Your Sahl account. The password is kept only as a one-way hash, which is not exported."""

    civil_id: str
    name: Text
    preferred_language: str
    email: str
    phone: str
    notify_by_email: bool
    notify_by_sms: bool
    date_joined: dt.datetime
    last_login: dt.datetime | None
    staff: StaffRole | None  # when you work for an agency in Sahl
    second_factors: list[SecondFactor]


def account(person: Person) -> Account:
    """The account, its notification choices, staff role and second factors (3 queries). The
    authenticators' `data` (TOTP secret, passkey keys, recovery codes) is never read, nor the SMS
    codes (kept as keyed hashes): only the type, the dates, a passkey's name and the SMS number."""
    factors = (
        Authenticator.objects.filter(user_id=person.pk)
        .annotate(passkey_name=KeyTextTransform("name", "data"))
        .only("type", "created_at", "last_used_at")
        .order_by("created_at", "pk")
    )
    membership = StaffMembership.objects.select_related("agency").filter(user_id=person.pk).first()
    sms = SmsFactor.objects.filter(user_id=person.pk).first()
    second_factors: list[SecondFactor] = [
        {
            "type": factor.type,
            "name": (factor.passkey_name or "") if factor.type == Authenticator.Type.WEBAUTHN else "",
            "phone": "",
            "created_at": factor.created_at,
            "last_used_at": factor.last_used_at,
        }
        for factor in factors
    ]
    if sms is not None:
        second_factors.append(
            {
                "type": "sms",
                "name": "",
                "phone": sms.phone,
                "created_at": sms.enabled_at,
                "last_used_at": sms.last_used_at,
            }
        )
    return {
        "civil_id": person.civil_id,
        "name": text(person.name_ar, person.name_en),
        "preferred_language": person.preferred_language,
        "email": person.email,
        "phone": person.phone,
        "notify_by_email": person.notify_by_email,
        "notify_by_sms": person.notify_by_sms,
        "date_joined": person.date_joined,
        "last_login": person.last_login,
        "staff": {
            "agency": {"code": membership.agency.code, "name": bilingual(membership.agency.name)},
            "role": membership.role,
            "since": membership.since,
        }
        if membership
        else None,
        "second_factors": second_factors,
    }


ACCOUNT = Contribution(
    key="account",
    summary=_(
        "Your account: civil ID, name, language, e-mail address, mobile number, how you chose to be "
        "notified, and your second factors by type and date. Never your password or the secrets of "
        "your second factors."
    ),
    gather=account,
)
