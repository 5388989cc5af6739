from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    """The platform operators' pages: the outbox and the events whose subscribers keep failing."""

    name = "sahl.operators"
    label = "operators"
