"""GeoReport v2 under /open311/v2/: every resource with its format suffix, .json or .xml."""

from django.urls import re_path

from sahl.open311 import views

app_name = "open311"

FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^$", views.discovery, name="root"),
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="services"),
    re_path(
        r"^services/(?P<service_code>[A-Za-z0-9_-]{1,60})" + FORMAT, views.service_definition, name="service"
    ),
    re_path(r"^requests" + FORMAT, views.requests, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]{1,60}?)" + FORMAT, views.one_request, name="request"),
    re_path(r"^tokens/(?P<token>[^/]{1,60}?)" + FORMAT, views.token, name="token"),
    re_path(r"^.*$", views.not_found, name="not_found"),
]
