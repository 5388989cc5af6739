from django.urls import path

from sahl.applications import views

app_name = "applications"
urlpatterns = [
    # The service page answers whether the person can apply (applications.eligibility), as apply does.
    path("services/<str:code>", views.service, name="service"),
    path("services/<str:code>/apply", views.apply, name="apply"),
    path("applications", views.mine, name="mine"),
    path("applications/<str:reference>", views.detail, name="detail"),
    path("applications/<str:reference>/consent", views.consent, name="consent"),
    path("applications/<str:reference>/withdraw", views.withdraw, name="withdraw"),
    path("applications/<str:reference>/respond", views.respond, name="respond"),
    path("applications/<str:reference>/documents", views.documents, name="documents"),
    path("applications/<str:reference>/documents/<int:document_id>", views.document, name="document"),
    path("applications/<str:reference>/attachments/<int:attachment_id>", views.attachment, name="attachment"),
    path("verify/<str:code>", views.verify, name="verify"),
]
