from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sahl.core"
    label = "core"

    def ready(self) -> None:
        from django_tasks.signals import task_finished

        from sahl.core.queue import withhold_database_text

        task_finished.connect(withhold_database_text, dispatch_uid="sahl.core.withhold_database_text")
