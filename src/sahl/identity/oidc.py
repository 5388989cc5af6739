"""What Sahl's ID tokens and userinfo say about a person (OAUTH2_PROVIDER["OAUTH2_VALIDATOR_CLASS"]).

`sub` is the account's number (django-oauth-toolkit's default), never the civil ID: an app learns who
the person is only if it asks for `profile`, and then their names, not their civil ID. Names come in
both languages as OpenID Connect's language-tagged claims (`name#ar`, `name#en`)."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from sahl.identity.models import User
from sahl.identity.scopes import PROFILE


class SahlValidator(OAuth2Validator):
    oidc_claim_scope = OAuth2Validator.oidc_claim_scope | {
        "name#ar": PROFILE,
        "name#en": PROFILE,
        "locale": PROFILE,
    }

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        if not isinstance(user, User):
            return {}
        return {
            "name": user.name_ar,
            "name#ar": user.name_ar,
            "name#en": user.name_en,
            "locale": user.preferred_language,
        }
