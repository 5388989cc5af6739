from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "sahl.idempotency"
    label = "idempotency"
