from django.apps import AppConfig


class BusinessConfig(AppConfig):
    name = "sahl.business"
    label = "business"
    verbose_name = "Sahl Business"

    def ready(self) -> None:
        from sahl.business import receivers  # noqa: F401  (listens to paid dues)
