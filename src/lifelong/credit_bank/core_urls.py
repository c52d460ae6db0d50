"""Page routes of the credit-bank core (included by `urls.py`)."""

from django.urls import path

from lifelong.credit_bank import views

urlpatterns = [
    path("credit-bank/", views.archive_page, name="archive"),
    path("credit-bank/imports/", views.imports_page, name="imports"),
    path("credit-bank/imports/<uuid:import_id>/", views.import_page, name="import"),
    path(
        "credit-bank/imports/<uuid:import_id>/progress/",
        views.import_progress,
        name="import_progress",
    ),
    path(
        "credit-bank/imports/<uuid:import_id>/errors.<str:fmt>",
        views.import_errors,
        name="import_errors",
    ),
    path("credit-bank/import-template.xlsx", views.import_template, name="import_template"),
    path("credit-bank/conversions/", views.conversions_page, name="conversions"),
]
