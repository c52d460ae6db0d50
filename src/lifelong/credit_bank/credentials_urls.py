"""Page routes of the verifiable credentials (included by `urls.py`)."""

from django.urls import path

from lifelong.credit_bank import credentials_views

urlpatterns = [
    path("credentials/<uuid:credential_id>/", credentials_views.credential_page, name="credential"),
    path("credit-bank/transcript.pdf", credentials_views.transcript_pdf, name="transcript_pdf"),
]
