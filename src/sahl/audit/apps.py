from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sahl.audit"
    label = "audit"

    def ready(self) -> None:
        from sahl.audit import keys, receivers  # noqa: F401 (importing receivers connects them)
        from sahl.audit.personal_data import AUDIT
        from sahl.core.personal_data import contribute

        contribute(AUDIT)
        keys.current()  # a key too short stops the start, not the first login
