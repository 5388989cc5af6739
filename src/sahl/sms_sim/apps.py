from django.apps import AppConfig


class SmsSimConfig(AppConfig):
    """The simulated SMS provider and its outbox page (/dev/sms): installed only with SAHL_SIMULATORS."""

    name = "sahl.sms_sim"
    label = "sms_sim"
