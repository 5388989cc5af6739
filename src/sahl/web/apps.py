from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sahl.web"
    label = "web"
