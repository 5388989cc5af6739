from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "sahl.registry"
    label = "registry"

    def ready(self) -> None:
        from sahl.registry.effects import provide_register_effects

        provide_register_effects()
        from sahl.core.personal_data import contribute
        from sahl.registry import receivers  # noqa: F401 - connects the kept profiles' forgetting
        from sahl.registry.personal_data import REGISTERS

        contribute(REGISTERS)
