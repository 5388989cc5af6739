"""Apps an operator registers for Sahl's OpenID provider (ADR 0054): public clients (a phone app keeps
no secret) that use the authorization code with PKCE and get ID tokens signed with RS256. There is no
dynamic registration: an app is let near people's accounts only by an operator's decision."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from oauth2_provider.models import AbstractApplication, get_application_model

from sahl.core.errors import BadInput
from sahl.identity.models import RegisteredApp


@transaction.atomic
def register(
    name_ar: str, name_en: str, redirect_uris: list[str], client_id: str = ""
) -> AbstractApplication:
    """Register an app, or change the names and return addresses of the one with `client_id`."""
    Application = get_application_model()
    app = Application.objects.filter(client_id=client_id).first() if client_id else None
    if app is None:
        app = Application(
            client_type=Application.CLIENT_PUBLIC,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            algorithm=Application.RS256_ALGORITHM,
        )
        if client_id:
            app.client_id = client_id
    app.name = name_en
    app.redirect_uris = " ".join(redirect_uris)
    try:
        app.full_clean(exclude=["client_secret", "user"])
    except ValidationError as error:
        raise BadInput("app.registration_invalid", reasons="; ".join(error.messages)) from error
    app.save()
    RegisteredApp.objects.update_or_create(application=app, defaults={"name_ar": name_ar, "name_en": name_en})
    return app
