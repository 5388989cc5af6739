from django.urls import path

from sahl.business import views

app_name = "business"

urlpatterns = [
    path("business", views.companies, name="companies"),
    path("business/representations/<int:mandate_id>/accept", views.accept, name="accept"),
    path("business/representations/<int:mandate_id>/decline", views.decline, name="decline"),
    path("business/<str:number>", views.home, name="home"),
    path("business/<str:number>/workers", views.workers, name="workers"),
    path("business/<str:number>/renewals", views.renew, name="renew"),
    path("business/<str:number>/renewals/<str:reference>", views.renewal, name="renewal"),
    path("business/<str:number>/renewals/<str:reference>/pay", views.pay_renewal, name="pay_renewal"),
    path("business/<str:number>/statements", views.statements, name="statements"),
    path("business/<str:number>/log", views.log, name="log"),
    path("business/<str:number>/representatives", views.representatives, name="representatives"),
    path(
        "business/<str:number>/representatives/<int:mandate_id>/revoke",
        views.revoke,
        name="revoke",
    ),
]
