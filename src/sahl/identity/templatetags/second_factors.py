"""What the Security page (allauth's mfa/index.html, extended by Sahl) shows of the SMS factor."""

from __future__ import annotations

from django import template

from sahl.identity import services
from sahl.identity.models import User
from sahl.identity.passkeys import passkey_name as name_of

register = template.Library()


@register.simple_tag
def sms_factor_phone(user: object) -> str | None:
    """`{% sms_factor_phone user as phone %}`: the masked number of the person's SMS factor, or None."""
    return services.sms_phone_of(user) if isinstance(user, User) else None


@register.filter
def passkey_name(authenticator: object) -> str:
    """A passkey's name in the page's language when Sahl gave it ("Passkey 1"), as typed otherwise."""
    wrapped = getattr(authenticator, "wrap", None)
    return name_of(wrapped().name) if callable(wrapped) else name_of(str(authenticator))
