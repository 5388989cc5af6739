from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "sahl.identity"
    label = "identity"

    def ready(self) -> None:
        from sahl.identity import receivers  # noqa: F401  (connect the login signals)
