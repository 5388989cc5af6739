from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sahl.audit"
    label = "audit"

    def ready(self) -> None:
        from sahl.audit import receivers  # noqa: F401 (connects the receivers)
        from sahl.audit.personal_data import AUDIT
        from sahl.core.personal_data import contribute

        contribute(AUDIT)
