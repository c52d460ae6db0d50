from django.apps import AppConfig


class SharedConfig(AppConfig):
    name = "lifelong.shared"
    label = "shared"
    verbose_name = "共享内核 Shared kernel"
