from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "sahl.applications"
    label = "applications"
