from django.apps import AppConfig


class UiConfig(AppConfig):
    """The UI kit every page stands on: base templates, design system, error pages, middleware."""

    name = "sahl.ui"
    label = "ui"
