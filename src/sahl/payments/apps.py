from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "sahl.payments"
    label = "payments"

    def ready(self) -> None:
        from sahl.outbox.channels import register
        from sahl.payments import receivers  # noqa: F401  (refunds follow ended applications)
        from sahl.payments.channels import RefundChannel

        register(RefundChannel())
        from sahl.applications import sections
        from sahl.payments.views import payments_section

        sections.register(payments_section)
        from sahl.applications import personal_data
        from sahl.payments.personal_data import payments_of

        personal_data.payments_from(payments_of)
