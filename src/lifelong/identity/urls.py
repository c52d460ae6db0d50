"""Pages identity serves itself: the city's unified login (OpenID Connect)."""

from django.urls import path

from lifelong.identity import oidc_views

app_name = "identity"

urlpatterns = [
    path("login/oidc/", oidc_views.oidc_login, name="oidc_login"),
    path("login/oidc/callback", oidc_views.oidc_callback, name="oidc_callback"),
]
