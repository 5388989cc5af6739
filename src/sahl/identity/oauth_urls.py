"""Sahl's OpenID provider for apps (ADR 0054): django-oauth-toolkit's endpoints, under its namespace
(its discovery document names them by it), with Sahl's consent page. Discovery is at the site's root,
as OpenID Connect Discovery puts it after the issuer. No dynamic registration, no device flow, no
management pages: an operator registers apps (`manage.py register_app`)."""

from django.urls import path
from oauth2_provider import views

from sahl.identity.views import ConsentView

AUTHORIZE = "oauth/authorize"
TOKEN = "oauth/token"  # noqa: S105 (an address)

app_name = "oauth2_provider"
urlpatterns = [
    path(
        ".well-known/openid-configuration",
        views.ConnectDiscoveryInfoView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path("oauth/jwks", views.JwksInfoView.as_view(), name="jwks-info"),
    path(AUTHORIZE, ConsentView.as_view(), name="authorize"),
    path(TOKEN, views.TokenView.as_view(), name="token"),
    path("oauth/revoke", views.RevokeTokenView.as_view(), name="revoke-token"),
    path("oauth/userinfo", views.UserInfoView.as_view(), name="user-info"),
]
