from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sahl.core"
    label = "core"
