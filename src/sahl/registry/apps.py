from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "sahl.registry"
    label = "registry"
