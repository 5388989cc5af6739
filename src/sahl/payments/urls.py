from django.urls import path

from sahl.payments import views

app_name = "payments"
urlpatterns = [
    path("applications/<str:reference>/pay", views.pay, name="pay"),
    path("applications/<str:reference>/receipts/<int:intent_id>", views.receipt, name="receipt"),
    path("payments/return", views.back_from_gateway, name="return"),
    path("payments/callback", views.callback, name="callback"),
    path("payments/<str:reference>", views.basket, name="basket"),
    path("payments/<str:reference>/receipt", views.basket_receipt, name="basket_receipt"),
    path("operators/reconciliation", views.reconciliation, name="reconciliation"),
]
