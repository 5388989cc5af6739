from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "sahl.identity"
    label = "identity"
