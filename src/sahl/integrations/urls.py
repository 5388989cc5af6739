from django.urls import path

from sahl.integrations import views

app_name = "integrations"

urlpatterns = [
    path("operators/agency-deliveries", views.deliveries, name="deliveries"),
    path("operators/agency-deliveries/<int:delivery_id>/replay", views.replay, name="replay"),
]
