from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The front door: home page, public statistics and the health check."""

    name = "sahl.portal"
    label = "portal"
