import importlib.util

from django.apps import apps as django_apps
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from lifelong.config.api import api

admin.site.site_header = "Lifelong 终身学习 · 管理后台"
admin.site.site_title = "Lifelong 管理后台"
admin.site.index_title = "后台管理"


@csrf_exempt
def api_not_found(request, rest=""):
    return JsonResponse(
        {"error": {"code": "not_found", "message": "找不到 / Not found", "fields": {}}}, status=404
    )


urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("auth/", include("lifelong.identity.urls")),
    path("", include("lifelong.portal.urls")),
]


def _domain_urls():
    """Each domain's pages: `lifelong.<domain>.urls`, mounted at the site root."""
    for app in django_apps.get_app_configs():
        if not app.name.startswith("lifelong.") or app.label in ("portal", "identity"):
            continue
        if importlib.util.find_spec(f"{app.name}.urls") is not None:
            yield path("", include(f"{app.name}.urls"))


urlpatterns += list(_domain_urls())
