"""The JSON API under /api/v1/: one NinjaAPI, routers from the apps, errors as problem details."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Swagger
from ninja.constants import NOT_SET
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth
from ninja.security.base import SecuritySchema
from oauth2_provider.models import AbstractAccessToken

from sahl.applications.api import router as applications_router
from sahl.applications.rules import FormInvalid
from sahl.audit.api import router as audit_router
from sahl.backoffice.api import router as backoffice_router
from sahl.backoffice.staff_api import router as staff_router
from sahl.business.api import router as business_router
from sahl.catalogue.api import router as catalogue_router
from sahl.core import problems
from sahl.core.errors import SahlError, http_status, retry_after
from sahl.core.languages import in_both, in_language
from sahl.core.openapi import SahlAPI
from sahl.core.untrusted import JsonParser
from sahl.identity import oauth_urls
from sahl.identity.bearer import AppToken, ScopeMissing, TokenInvalid
from sahl.identity.scopes import SCOPES
from sahl.integrations.api import TokenRefused
from sahl.integrations.api import router as agency_router
from sahl.journeys.api import router as journeys_router
from sahl.mandates.api import router as mandates_router
from sahl.mandates.current import ACTING_HEADER, act_as_asked
from sahl.notifications.api import router as notifications_router
from sahl.payments.api import router as payments_router
from sahl.privacy.api import router as privacy_router
from sahl.stats.api import router as stats_router
from sahl.wallet.api import router as wallet_router


class SahlApp(AppToken):
    """A person's app calling with its access token (identity.bearer), acting for whom its
    `Sahl-Acting-For` header names, as the pages' switch decides (mandates.current)."""

    openapi_description = (
        "An app's access token from Sahl's OpenID provider (authorization code with PKCE S256; "
        "docs/api.md), sent as `Authorization: Bearer <access_token>`: no CSRF token then. Each "
        "operation needs its area's scope; a token without it answers 403 (`insufficient_scope`), an "
        f"unknown, expired or revoked one 401 (`invalid_token`). The `{ACTING_HEADER}` header (a civil "
        "ID or a company's number) acts for a child, a grantor or a company, as switching on the pages does."
    )

    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        # ninja would describe a bearer scheme; the document declares how to get the token instead.
        self.openapi_security_schema = SecuritySchema(
            "oauth2",
            description=self.openapi_description,
            flows={
                "authorizationCode": {
                    "authorizationUrl": f"/{oauth_urls.AUTHORIZE}",
                    "tokenUrl": f"/{oauth_urls.TOKEN}",
                    "refreshUrl": f"/{oauth_urls.TOKEN}",
                    "scopes": {name: in_language(text, "en") for name, text in SCOPES.items()},
                }
            },
        )

    def authenticate(self, request: HttpRequest, token: str) -> AbstractAccessToken:
        found = super().authenticate(request, token)
        act_as_asked(request)
        return found


def open_to_apps(router: Router, scope: str, staff_only: tuple[str, ...] = ()) -> Router:
    """The router's operations for a logged-in person also let in an app's token with `scope`,
    before the session: a call with a token is the app's, whatever cookies come with it. Changed on
    the router itself, before it is mounted, so operations that name their own login are met too.
    The paths in `staff_only` are staff's work: the session only, never an app."""
    app = SahlApp(scope)
    for path, view in router.path_operations.items():
        if path in staff_only:
            continue
        for operation in view.operations:
            auth = router.auth if operation.auth_param is NOT_SET else operation.auth_param
            callbacks = cast(
                list[Callable[..., Any]], list(auth) if isinstance(auth, list | tuple) else [auth]
            )
            if django_auth in callbacks and not any(isinstance(c, AppToken) for c in callbacks):
                operation.auth_param = [app, *callbacks]
                operation.auth_callbacks = [app, *callbacks]
    return router


api = SahlAPI(
    title="Sahl API",
    version="1",
    description="Sahl's public API. Text comes in Arabic (`ar`) and English (`en`); errors are "
    "RFC 9457 problem details whose `title` follows the Accept-Language header.",
    urls_namespace="api",
    docs=Swagger(settings={"validatorUrl": None}),
    parser=JsonParser(),  # bounded: no NUL, lone surrogate, endless nesting or number past a column
)
api.add_router("/", catalogue_router)
api.add_router("/", open_to_apps(applications_router, "applications"))
api.add_router("/", backoffice_router)  # caseworkers' work: the session only, never an app
api.add_router("/", staff_router)  # an agency administrator's: the session only too
api.add_router(
    "/", open_to_apps(notifications_router, "notifications", staff_only=("/notices", "/notices/{reference}"))
)
api.add_router("/", open_to_apps(payments_router, "payments"))
api.add_router("/", open_to_apps(audit_router, "audit"))
api.add_router("/", open_to_apps(privacy_router, "privacy"))
api.add_router("/", open_to_apps(mandates_router, "mandates"))
api.add_router("/", agency_router)
api.add_router("/", open_to_apps(wallet_router, "wallet"))
api.add_router("/", open_to_apps(journeys_router, "journeys"))
api.add_router("/", open_to_apps(business_router, "business"))
api.add_router("/", stats_router)  # public figures: no session, no token


def problem(
    request: HttpRequest,
    status: int,
    code: str,
    params: Mapping[str, object] | None = None,
    extra: dict[str, object] | None = None,
) -> HttpResponse:
    return problems.problem(status, code, params, extra)


@api.exception_handler(SahlError)
def on_domain_error(request: HttpRequest, error: SahlError) -> HttpResponse:
    if isinstance(error, FormInvalid):
        # Well-formed, but the answers fail the service's form: 422, each field with its reason.
        fields = {name: in_both(text) for name, text in error.errors.items()}
        return problem(request, 422, error.code, extra={"fields": fields})
    extra: dict[str, object] | None = {"params": error.details} if error.details else None
    response = problem(request, http_status(error), error.code, error.params, extra)
    if (wait := retry_after(error)) is not None:
        response["Retry-After"] = str(wait)
    return response


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    # Which parameter was wrong, without echoing the value (it may be personal data).
    fields = [{"location": list(map(str, e.get("loc", []))), "type": e.get("type")} for e in error.errors]
    return problem(request, 400, "request.bad", extra={"errors": fields})


@api.exception_handler(AuthenticationError)
def on_no_login(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    """No logged-in session. A 401 must carry a challenge (RFC 9110 section 11.6.1); a session has
    no registered scheme, so it names the cookie and the login form (the "Cookie" scheme of
    draft-broyer-http-cookie-auth)."""
    response = problem(request, 401, "request.login_required")
    response["WWW-Authenticate"] = (
        f'Cookie realm="sahl", form-action="{reverse("account_login")}", '
        f'cookie-name="{settings.SESSION_COOKIE_NAME}"'
    )
    return response


# ninja raises a bare HttpError(403) with this text when a session's unsafe call fails CSRF.
NINJA_CSRF_FAILURE = "CSRF check Failed"


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    """Errors ninja raises itself (a body that is not JSON, a failed CSRF check, its throttles):
    the generic problem of their status."""
    status = error.status_code
    if status == 403 and str(error) == NINJA_CSRF_FAILURE:
        return problem(request, 403, "request.csrf")
    code = problems.GENERIC_CODES.get(status, "server.error" if status >= 500 else "request.bad")
    return problem(request, status, code)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return problem(request, 404, "request.not_found")


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    """Anything else goes on to Django, in debug too (ninja would answer a plain-text traceback):
    Django logs it and handler500 (ui.errors.server_error) answers 500, or 503 for a database
    outage, as a problem."""
    raise error


@api.exception_handler(TokenRefused)
def on_token_refused(request: HttpRequest, error: TokenRefused) -> HttpResponse:
    """An agency system's call without a live bearer token (RFC 6750 section 3)."""
    code = "agency.token_missing" if error.missing else "agency.token_invalid"
    response = problem(request, 401, code)
    challenge = 'Bearer realm="sahl-agency"'
    response["WWW-Authenticate"] = challenge if error.missing else f'{challenge}, error="invalid_token"'
    return response


@api.exception_handler(TokenInvalid)
def on_app_token_invalid(request: HttpRequest, error: TokenInvalid) -> HttpResponse:
    """An app's token that is unknown, expired or revoked (RFC 6750 section 3.1)."""
    response = problem(request, 401, "app.token_invalid")
    response["WWW-Authenticate"] = 'Bearer realm="sahl", error="invalid_token"'
    return response


@api.exception_handler(ScopeMissing)
def on_scope_missing(request: HttpRequest, error: ScopeMissing) -> HttpResponse:
    """A live token the person did not let do this: which scope it lacks (RFC 6750 section 3.1)."""
    response = problem(request, 403, "app.scope_missing", {"scope": error.scope})
    response["WWW-Authenticate"] = f'Bearer realm="sahl", error="insufficient_scope", scope="{error.scope}"'
    return response
