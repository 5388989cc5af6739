from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sahl.notifications"
    label = "notifications"

    def ready(self) -> None:
        from sahl.notifications import signals  # noqa: F401 (connects the receivers)
