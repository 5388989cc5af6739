from django.apps import AppConfig


class MandatesConfig(AppConfig):
    name = "sahl.mandates"
    label = "mandates"

    def ready(self) -> None:
        from sahl.mandates import receivers  # noqa: F401  (forget kept answers when a mandate changes)
        from sahl.mandates.effects import provide_mandate_effects

        provide_mandate_effects()
        from sahl.core.personal_data import contribute
        from sahl.mandates.personal_data import MANDATES

        contribute(MANDATES)
