from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "sahl.payments"
    label = "payments"

    def ready(self) -> None:
        from sahl.payments import receivers  # noqa: F401  (refunds follow ended applications)
