from __future__ import annotations

from functools import cache, lru_cache

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, get_language_bidi

# The routes every page's header and footer link to (ui/base.html), reversed once per process
# rather than on each page (about twenty `{% url %}` a page: ADR 0048). A route's dotted name is
# written with "__" for ":" and "_" for "-", as a template can read it.
NAV = (
    "account_login",
    "account_logout",
    "api:openapi-view",
    "applications:mine",
    "audit:access_log",
    "backoffice:queue",
    "backoffice:services",
    "backoffice:staff",
    "backoffice:team",
    "business:companies",
    "catalogue:agencies",
    "catalogue:categories",
    "complaints:mine",
    "complaints:queue",
    "mandates:acting_as",
    "mfa_index",
    "notifications:inbox",
    "notifications:notices",
    "operators:audit_checkpoints",
    "operators:deliveries",
    "operators:events",
    "operators:home",
    "operators:publishing",
    "operators:staff",
    "payments:reconciliation",
    "portal:home",
    "portal:manifest",
    "portal:service_worker",
    "privacy:my_data",
    "ui:set_language",
    "wallet:wallet",
)


@cache
def _nav(prefix: str) -> dict[str, str]:
    return {name.replace(":", "__").replace("-", "_"): reverse(name) for name in NAV}


def site(request: HttpRequest) -> dict[str, object]:
    language = get_language() or "ar"

    def viewer() -> str:
        """Who is logged in, as a mark the service worker compares (ADR 0055): it says nothing about
        the person, and is "" for nobody. A callable: only a page that shows it reads the user."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        return _viewer_mark(user.pk)

    def frame() -> str:
        """The key of the menu's kept part (ADR 0062): the links a person sees beyond everyone's
        depend only on their staff role and on whether they run the platform."""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        membership = getattr(user, "membership", None)  # a missing one raises an AttributeError
        return f"{getattr(membership, 'role', '')}|{'operator' if user.is_staff else ''}"

    return {
        "lang": language,
        "is_english": language.startswith("en"),
        "direction": "rtl" if get_language_bidi() else "ltr",
        "other_language": "ar" if language.startswith("en") else "en",
        "nav": _nav(get_script_prefix()),
        "viewer": viewer,
        "frame": frame,
    }


@lru_cache(maxsize=4096)
def _viewer_mark(pk: object) -> str:
    return salted_hmac("sahl.ui.viewer", str(pk)).hexdigest()[:20]
