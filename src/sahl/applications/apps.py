from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "sahl.applications"
    label = "applications"

    def ready(self) -> None:
        from sahl.applications.personal_data import APPLICATIONS, CONSENTS
        from sahl.core.personal_data import contribute

        contribute(APPLICATIONS)
        contribute(CONSENTS)

        from sahl.applications import cards, receivers  # noqa: F401  (keeps the cards from the events)
        from sahl.events.read_models import ReadModel, keep

        keep(ReadModel("application_cards", cards.rebuild, cards.rows, cards.refresh_service))
        from sahl.applications import pages  # the application's page, kept by the events (ADR 0043)

        keep(ReadModel("application_pages", pages.rebuild, pages.rows, pages.refresh_service))
        from sahl.applications import rendering  # noqa: F401  (renders issued documents' PDFs, ADR 0045)
