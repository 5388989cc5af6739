from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "sahl.complaints"
    label = "complaints"
