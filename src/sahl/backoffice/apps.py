from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "sahl.backoffice"
    label = "backoffice"

    def ready(self) -> None:
        from sahl.backoffice import queue, receivers  # noqa: F401  (keeps the queue from the events)
        from sahl.events.read_models import ReadModel, keep

        keep(ReadModel("backoffice_queue", queue.rebuild, queue.rows, queue.refresh_service))
