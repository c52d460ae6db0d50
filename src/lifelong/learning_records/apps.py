from django.apps import AppConfig


class LearningRecordsConfig(AppConfig):
    name = "lifelong.learning_records"
    label = "learning_records"
    verbose_name = "学习记录 Learning records"
