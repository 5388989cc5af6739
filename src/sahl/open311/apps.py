from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "sahl.open311"
    label = "open311"
    verbose_name = "Open311 GeoReport v2"

    def ready(self) -> None:
        from sahl.open311 import views
        from sahl.ui.hostile_input import answer_under

        answer_under("/open311/", views.refused)  # refusals of hostile input in the spec's format
