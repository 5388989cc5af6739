from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sahl.notifications"
    label = "notifications"

    def ready(self) -> None:
        from sahl.notifications import receivers  # noqa: F401 (subscribes to events and signals)
        from sahl.notifications.channels import EmailChannel, PushChannel, SmsChannel
        from sahl.outbox.channels import register

        register(EmailChannel())
        register(SmsChannel())
        register(PushChannel())
        from sahl.core.personal_data import contribute
        from sahl.notifications.personal_data import MESSAGES, NOTICES

        contribute(MESSAGES)
        contribute(NOTICES)
