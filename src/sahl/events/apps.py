from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "sahl.events"
    label = "events"
    verbose_name = "Domain events"
