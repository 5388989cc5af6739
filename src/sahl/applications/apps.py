from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "sahl.applications"
    label = "applications"

    def ready(self) -> None:
        from sahl.applications.personal_data import APPLICATIONS, CONSENTS
        from sahl.core.personal_data import contribute

        contribute(APPLICATIONS)
        contribute(CONSENTS)
