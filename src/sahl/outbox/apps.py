from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "sahl.outbox"
    label = "outbox"
    verbose_name = "Outbox (everything that leaves Sahl)"
