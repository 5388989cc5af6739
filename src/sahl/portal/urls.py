from django.urls import path

from sahl.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("journeys", views.journey_list, name="journeys"),
    path("journeys/<slug:code>", views.journey, name="journey"),
    # /statistics is the stats app's (ADR 0060).
    path("health", views.health, name="health"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline", views.offline, name="offline"),
]
