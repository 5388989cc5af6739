from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "sahl.registry"
    label = "registry"

    def ready(self) -> None:
        from sahl.registry import receivers  # noqa: F401 - connects the kept profiles' forgetting
