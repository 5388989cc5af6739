from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "sahl.identity"
    label = "identity"

    def ready(self) -> None:
        from sahl.core.personal_data import contribute
        from sahl.identity import receivers  # noqa: F401  (connect the login signals)
        from sahl.identity.personal_data import ACCOUNT

        contribute(ACCOUNT)
