from django.apps import AppConfig


class MandatesConfig(AppConfig):
    name = "sahl.mandates"
    label = "mandates"

    def ready(self) -> None:
        from sahl.mandates.effects import provide_mandate_effects

        provide_mandate_effects()
