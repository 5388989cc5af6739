"""What the Security page (allauth's mfa/index.html, extended by Sahl) shows of the SMS factor."""

from __future__ import annotations

from django import template

from sahl.identity import services
from sahl.identity.models import User

register = template.Library()


@register.simple_tag
def sms_factor_phone(user: object) -> str | None:
    """`{% sms_factor_phone user as phone %}`: the masked number of the person's SMS factor, or None."""
    return services.sms_phone_of(user) if isinstance(user, User) else None
