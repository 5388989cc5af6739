from django.urls import path

from sahl.identity import passkeys, views

app_name = "identity"
urlpatterns = [
    path("accounts/2fa/sms/", views.sms_setup, name="sms_setup"),
    path("accounts/2fa/sms/login/", views.sms_login, name="sms_login"),
    # allauth's passkey pages at their own addresses (identity.passkeys): adding asks for a passkey
    # that logs in on its own; logging in with one keeps where the person was going
    path("accounts/2fa/webauthn/add/", passkeys.add_passkey, name="add_passkey"),
    path("accounts/2fa/webauthn/login/", passkeys.login_passkey, name="login_passkey"),
    path("account/apps", views.granted_apps, name="apps"),
    path("account/log-out-everywhere", views.log_out_everywhere, name="log_out_everywhere"),
]
