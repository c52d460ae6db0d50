"""Pages of credit_bank, mounted at the site root."""

from lifelong.credit_bank.core_urls import urlpatterns as core_urlpatterns
from lifelong.credit_bank.credentials_urls import urlpatterns as credential_urlpatterns

app_name = "credit_bank"

urlpatterns = [
    *credential_urlpatterns,
    *core_urlpatterns,
]
