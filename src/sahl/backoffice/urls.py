from django.urls import path

from sahl.backoffice import staff_views, views

app_name = "backoffice"
urlpatterns = [
    path("backoffice/", views.queue, name="queue"),
    path("backoffice/team", views.team, name="team"),
    path("backoffice/staff", staff_views.team, name="staff"),
    path("backoffice/staff/<int:membership_id>/remove", staff_views.remove, name="staff_remove"),
    path("backoffice/cases/<str:reference>", views.case, name="case"),
    path("backoffice/services/", views.agency_services, name="services"),
    path("backoffice/services/<str:service_code>", views.edit_service, name="edit_service"),
    path("backoffice/services/<str:service_code>/check", views.check_service, name="check_service"),
    path(
        "backoffice/cases/<str:reference>/attachments/<int:attachment_id>",
        views.attachment,
        name="attachment",
    ),
    path("backoffice/cases/<str:reference>/<slug:action>", views.act, name="act"),
]
