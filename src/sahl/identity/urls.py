from django.urls import path
from django.views.generic import RedirectView

from sahl.identity import join_views, passkeys, views

app_name = "identity"
urlpatterns = [
    path("accounts/2fa/sms/", views.sms_setup, name="sms_setup"),
    path("accounts/2fa/sms/login/", views.sms_login, name="sms_login"),
    # allauth's passkey pages at their own addresses (identity.passkeys): adding asks for a passkey
    # that logs in on its own; logging in with one keeps where the person was going
    path("accounts/2fa/webauthn/add/", passkeys.add_passkey, name="add_passkey"),
    path("accounts/2fa/webauthn/login/", passkeys.login_passkey, name="login_passkey"),
    # Joining and recovering with the civil ID card (identity.joining), in place of allauth's sign-up
    # and its password reset by e-mail, which most people never gave
    path("accounts/join/", join_views.card, {"purpose": "join"}, name="join"),
    path("accounts/recover/", join_views.card, {"purpose": "recover"}, name="recover"),
    path("accounts/join/code/", join_views.code, name="join_code"),
    path("accounts/join/password/", join_views.password, name="join_password"),
    path("accounts/join/welcome/", join_views.welcome, name="join_welcome"),
    path("accounts/signup/", RedirectView.as_view(pattern_name="identity:join"), name="signup"),
    path("accounts/password/reset/", RedirectView.as_view(pattern_name="identity:recover"), name="reset"),
    path("account/apps", views.granted_apps, name="apps"),
    path("account/log-out-everywhere", views.log_out_everywhere, name="log_out_everywhere"),
]
