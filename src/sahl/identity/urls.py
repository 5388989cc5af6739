from django.urls import path

from sahl.identity import views

app_name = "identity"
urlpatterns = [
    path("accounts/2fa/sms/", views.sms_setup, name="sms_setup"),
    path("accounts/2fa/sms/login/", views.sms_login, name="sms_login"),
]
