from django.urls import path

from sahl.notifications import views

app_name = "notifications"
urlpatterns = [
    path("account/notifications", views.preferences, name="preferences"),
    path("account/notifications/devices", views.add_device, name="add_device"),
    path("account/notifications/devices/<int:device_id>/remove", views.remove_device, name="remove_device"),
    path("inbox", views.inbox, name="inbox"),
    path("inbox/<int:message_id>", views.message, name="message"),
    path("backoffice/notices", views.notices, name="notices"),
    path("backoffice/notices/<str:reference>", views.notice, name="notice"),
]
