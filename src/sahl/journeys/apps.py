from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "sahl.journeys"
    label = "journeys"

    def ready(self) -> None:
        from sahl.journeys import receivers  # noqa: F401 (subscribes to the registers' and applications' events)
