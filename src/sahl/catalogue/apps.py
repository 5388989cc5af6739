from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "sahl.catalogue"
    label = "catalogue"
