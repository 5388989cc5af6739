from django.urls import path

from sahl.journeys import views

app_name = "journeys"

urlpatterns = [
    path("my-journeys", views.mine, name="mine"),
    path("my-journeys/<str:reference>", views.detail, name="detail"),
    path("my-journeys/<str:reference>/steps/<slug:key>/confirm", views.confirm, name="confirm"),
    path("journeys/<slug:code>/start", views.start, name="start"),
]
