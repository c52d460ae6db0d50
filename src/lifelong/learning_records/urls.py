"""The xAPI learning-record store, mounted at the site root: /xapi/statements, /xapi/about."""

from django.urls import path, re_path

from lifelong.learning_records import views

app_name = "learning_records"

urlpatterns = [
    path("xapi/statements", views.statements, name="statements"),
    path("xapi/about", views.about, name="about"),
    re_path(r"^xapi(?:/(?P<rest>.*))?$", views.not_found, name="not_found"),
]
