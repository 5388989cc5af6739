from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "sahl.backoffice"
    label = "backoffice"
