from django.urls import path

from sahl.operators import staff_views, views

app_name = "operators"
urlpatterns = [
    path("operators/", views.home, name="home"),
    path("operators/outbox", views.deliveries, name="deliveries"),
    path("operators/outbox/<int:delivery_id>/send-again", views.send_again, name="send_again"),
    path("operators/events", views.events, name="events"),
    path("operators/events/<int:handling_id>/retry", views.retry_event, name="retry_event"),
    path("operators/audit", views.audit_checkpoints, name="audit_checkpoints"),
    path("operators/publishing", views.publishing_queue, name="publishing"),
    path("operators/publishing/<int:draft_id>", views.review_draft, name="review_draft"),
    path("operators/staff", staff_views.administrators, name="staff"),
    path("operators/staff/<int:membership_id>/remove", staff_views.remove_administrator, name="staff_remove"),
    # The two lists this page replaced, kept as addresses operators have bookmarked.
    path("operators/deliveries", views.old_deliveries, name="old_deliveries"),
    path("operators/agency-deliveries", views.old_agency_deliveries, name="old_agency_deliveries"),
]
