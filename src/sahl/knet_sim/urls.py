from django.urls import path

from sahl.knet_sim import views

app_name = "knet_sim"
urlpatterns = [
    path("sim/knet/api/payments", views.create_payment, name="create"),
    path("sim/knet/api/refunds", views.refund, name="refund"),
    path("sim/knet/api/report", views.report, name="report"),
    path("sim/knet/api/inquiry", views.inquiry, name="inquiry"),
    path("sim/knet/pay/<str:payment_id>", views.pay, name="pay"),
]
