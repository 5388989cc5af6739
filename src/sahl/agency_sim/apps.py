from django.apps import AppConfig


class AgencySimConfig(AppConfig):
    """Only so that `manage.py run_agency_simulator` is found: no models, no URLs, no database."""

    name = "sahl.agency_sim"
    label = "agency_sim"
