from django.urls import path
from django.views.i18n import set_language

from sahl.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("health", views.health, name="health"),
    path("language", set_language, name="set_language"),
]
