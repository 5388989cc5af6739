from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "sahl.wallet"
    label = "wallet"
    verbose_name = "Hawiyati (wallet)"

    def ready(self) -> None:
        from sahl.wallet import receivers  # noqa: F401  (subscribes to events)
