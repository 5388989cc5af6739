from django.urls import path

from sahl.mandates import views

app_name = "mandates"

urlpatterns = [
    path("acting-as", views.acting_as, name="acting_as"),
    path("powers-of-attorney", views.mine, name="mine"),
    path("powers-of-attorney/<int:mandate_id>/revoke", views.revoke, name="revoke"),
]
