from django.urls import path, re_path

from sahl.stats import views

app_name = "stats"
urlpatterns = [
    path("statistics", views.statistics, name="statistics"),
    path("open-data", views.open_data, name="open_data"),
    path("open-data/statistics.csv", views.statistics_csv, name="statistics_csv"),
    path("open-data/statistics.json", views.statistics_json, name="statistics_json"),
    path("open-data/datapackage.json", views.datapackage, name="datapackage"),
    re_path(
        r"^open-data/(?P<name>agencies\.csv|services\.csv|required_documents\.csv|catalogue\.json)$",
        views.catalogue_file,
        name="catalogue_file",
    ),
]
