from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "sahl.privacy"
    label = "privacy"
