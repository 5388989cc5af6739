from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "sahl.stats"
    label = "stats"

    def ready(self) -> None:
        from sahl.events.read_models import ReadModel, keep
        from sahl.stats import rebuilding, receivers  # noqa: F401 (keeps the counters as things happen)

        keep(ReadModel("statistics", rebuilding.rebuild, rebuilding.rows))
