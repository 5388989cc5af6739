from django.conf import settings
from django.urls import include, path

from sahl.api_urls import api
from sahl.ui import errors

urlpatterns = [
    # The prefixed routes first: a request is matched against the patterns in order, and the API's
    # requests would otherwise be tried against every page's pattern first (97 µs against 20).
    path("api/v1/", api.urls),
    path("open311/v2/", include("sahl.open311.urls")),
    path("", include("sahl.ui.urls")),
    path("", include("sahl.portal.urls")),
    path("", include("sahl.catalogue.urls")),
    path("", include("sahl.applications.urls")),
    path("", include("sahl.backoffice.urls")),
    path("", include("sahl.notifications.urls")),
    path("", include("sahl.payments.urls")),
    path("", include("sahl.audit.urls")),
    path("", include("sahl.identity.urls")),  # before allauth's: the SMS second factor under accounts/2fa/
    path("", include("sahl.identity.oauth_urls")),  # the OpenID provider for apps (ADR 0054)
    path("", include("sahl.privacy.urls")),
    path("", include("sahl.mandates.urls")),
    path("", include("sahl.operators.urls")),
    path("", include("sahl.stats.urls")),
    path("", include("sahl.complaints.urls")),
    path("", include("sahl.wallet.urls")),
    path("", include("sahl.journeys.urls")),
    path("", include("sahl.business.urls")),
    path("accounts/", include("allauth.urls")),
]
if settings.SAHL_SIMULATORS:  # separate systems of the demo and the tests, never in production
    urlpatterns += [path("", include("sahl.knet_sim.urls")), path("", include("sahl.sms_sim.urls"))]

handler400 = errors.bad_request
handler403 = errors.forbidden
handler404 = errors.not_found
handler500 = errors.server_error
