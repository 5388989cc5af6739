from django.urls import path

from sahl.complaints import views

app_name = "complaints"

urlpatterns = [
    path("complaints", views.mine, name="mine"),
    path("complaints/new", views.new, name="new"),
    path("complaints/statistics", views.statistics, name="statistics"),
    path("complaints/<str:reference>", views.detail, name="detail"),
    path("complaints/<str:reference>/join", views.join, name="join"),
    path("complaints/<str:reference>/answer", views.answer, name="answer"),
    path("complaints/<str:reference>/reopen", views.reopen, name="reopen"),
    path("complaints/<str:reference>/rate", views.rate, name="rate"),
    path("complaints/<str:reference>/media/<int:media_id>", views.media, name="media"),
    path("backoffice/complaints", views.queue, name="queue"),
    path("backoffice/complaints/<str:reference>", views.case, name="case"),
]
