from django.urls import path

from lifelong.training_market import views

app_name = "training_market"

urlpatterns = [
    path("market/", views.look_up_page, name="look_up"),
    path("market/institutions/<int:institution_id>/", views.institution_page, name="institution"),
    path(
        "market/institutions/<int:institution_id>/complain/",
        views.complaint_form,
        name="complain",
    ),
    path("market/complaints/", views.complaints_page, name="complaints"),
    path("market/complaints/<int:complaint_id>/", views.complaint_page, name="complaint"),
    path("market/risk/", views.risk_page, name="risk"),
    path("market/my-contracts/", views.family_page, name="family"),
    path("market/contracts/<uuid:contract_id>/refund/", views.refund_form, name="refund"),
    path("market/contracts/<uuid:contract_id>/pdf/", views.contract_pdf_page, name="pdf"),
]
