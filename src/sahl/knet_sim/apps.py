from django.apps import AppConfig


class KnetSimConfig(AppConfig):
    """A simulated KNET-style payment gateway. Sahl talks to it only over HTTP (payments.adapters),
    as it would to the real gateway outside the country's network."""

    name = "sahl.knet_sim"
    label = "knet_sim"
