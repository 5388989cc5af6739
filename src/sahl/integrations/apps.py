from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "sahl.integrations"
    label = "integrations"
