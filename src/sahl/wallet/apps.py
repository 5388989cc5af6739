from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "sahl.wallet"
    label = "wallet"
    verbose_name = "Hawiyati (wallet)"

    def ready(self) -> None:
        from sahl.core.personal_data import contribute
        from sahl.wallet import receivers  # noqa: F401  (subscribes to events)
        from sahl.wallet.personal_data import WALLET

        contribute(WALLET)
