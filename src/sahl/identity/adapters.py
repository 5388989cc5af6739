from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created from the population register, never by self-signup (for now)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
