from django.urls import path

from sahl.wallet import views

app_name = "wallet"

urlpatterns = [
    path(".well-known/jwt-vc-issuer", views.jwt_vc_issuer, name="jwt_vc_issuer"),
    path(".well-known/openid-credential-issuer", views.issuer_metadata, name="issuer_metadata"),
    path(".well-known/oauth-authorization-server", views.oauth_metadata, name="oauth_metadata"),
    path("vct/<str:configuration>", views.type_metadata, name="type_metadata"),
    path("wallet/status", views.status_lists, name="status_lists"),
    path("wallet/status/<int:list_id>", views.status_list, name="status_list"),
    path("wallet/oid4vci/token", views.token, name="token"),
    path("wallet/oid4vci/nonce", views.nonce, name="nonce"),
    path("wallet/oid4vci/credential", views.credential, name="credential"),
    path("wallet/", views.wallet, name="wallet"),
    path("wallet/login/response", views.login_response, name="login_response"),
    path("wallet/login/<str:handle>/request", views.login_request, name="login_request"),
    path("wallet/login/<str:handle>/state", views.login_progress, name="login_progress"),
    path("wallet/login/<str:handle>/finish", views.login_finish, name="login_finish"),
    path("wallet/sw.js", views.wallet_worker, name="wallet_worker"),
    path("verifier/", views.verifier, name="verifier"),
    path("verifier/sw.js", views.verifier_worker, name="verifier_worker"),
    path("verifier/manifest.webmanifest", views.verifier_manifest, name="verifier_manifest"),
]
