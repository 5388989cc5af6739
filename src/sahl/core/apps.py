from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sahl.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django_tasks.signals import task_finished

        from sahl.core.moments_read import read_moments_fast
        from sahl.core.queue import withhold_database_text

        task_finished.connect(withhold_database_text, dispatch_uid="sahl.core.withhold_database_text")
        connection_created.connect(read_moments_fast, dispatch_uid="sahl.core.read_moments_fast")
