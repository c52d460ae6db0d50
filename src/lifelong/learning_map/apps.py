from django.apps import AppConfig


class LearningMapConfig(AppConfig):
    name = "lifelong.learning_map"
    label = "learning_map"
    verbose_name = "学习地图 Learning map"
