from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "lifelong.identity"
    label = "identity"
    verbose_name = "身份与组织 Identity"
