from django.urls import path

from sahl.privacy import views

app_name = "privacy"
urlpatterns = [
    path("account/my-data", views.my_data, name="my_data"),
    path("account/my-data.json", views.download, name="download"),
]
