from django.apps import AppConfig


class MandatesConfig(AppConfig):
    name = "sahl.mandates"
    label = "mandates"
