from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "lifelong.catalog"
    label = "catalog"
    verbose_name = "终身学习云 Learning cloud"

    def ready(self) -> None:
        from lifelong.catalog.services.learning import register_notification_templates

        register_notification_templates()
