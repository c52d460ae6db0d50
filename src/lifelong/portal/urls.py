from django.urls import path

from lifelong.portal import views, views_me, views_security, views_signin

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("display/", views.set_display, name="display"),
    path("login/", views_signin.login_view, name="login"),
    path("login/otp/", views_signin.login_otp, name="login_otp"),
    path("login/sms/", views_signin.sms_login, name="sms_login"),
    path("login/recover/", views_signin.recover, name="recover"),
    path("logout/", views_signin.logout_view, name="logout"),
    path("me/", views_me.me, name="me"),
    path("me/security/", views_security.security, name="security"),
    path("me/verify/", views_me.verify_by_sms, name="verify"),
    path("me/consents/", views_me.set_consent, name="consents"),
    path("me/export/", views_me.start_export, name="export"),
    path("me/export/<uuid:job_id>/", views_me.export_progress, name="export_progress"),
    path("me/export/<uuid:job_id>/download/", views_me.export_download, name="export_download"),
    path("me/proxies/<int:proxy_id>/revoke/", views_me.revoke_proxy, name="revoke_proxy"),
]
