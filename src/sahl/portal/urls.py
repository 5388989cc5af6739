from django.urls import path

from sahl.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
]
