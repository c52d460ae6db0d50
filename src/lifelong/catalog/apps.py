from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "lifelong.catalog"
    label = "catalog"
    verbose_name = "终身学习云 Learning cloud"
