from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and scale data: synthetic registers, people, applications and complaints. Never real data."""

    name = "sahl.demo"
    label = "demo"
