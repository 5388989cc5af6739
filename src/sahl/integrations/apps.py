from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "sahl.integrations"
    label = "integrations"

    def ready(self) -> None:
        from sahl.integrations import receivers  # noqa: F401  (delivers applications to agencies)
        from sahl.integrations.channels import AgencyChannel
        from sahl.outbox.channels import register

        register(AgencyChannel())
