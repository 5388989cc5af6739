from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "sahl.registry"
    label = "registry"

    def ready(self) -> None:
        from sahl.registry.effects import provide_register_effects

        provide_register_effects()
        from sahl.registry import receivers  # noqa: F401 - connects the kept profiles' forgetting
