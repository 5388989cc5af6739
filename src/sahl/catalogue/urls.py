from django.urls import path

from sahl.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("agencies", views.agencies, name="agencies"),
    path("agencies/<slug:code>", views.agency, name="agency"),
    path("categories", views.categories, name="categories"),
    path("categories/<slug:code>", views.category, name="category"),
]
