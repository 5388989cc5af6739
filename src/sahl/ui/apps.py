from django.apps import AppConfig


class UiConfig(AppConfig):
    """The UI kit every page stands on: base templates, design system, error pages, middleware."""

    name = "sahl.ui"
    label = "ui"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from sahl.ui.middleware import logged_out

        user_logged_out.connect(logged_out, dispatch_uid="ui.clear_site_data")
