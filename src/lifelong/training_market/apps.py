from django.apps import AppConfig


class TrainingMarketConfig(AppConfig):
    name = "lifelong.training_market"
    label = "training_market"
    verbose_name = "培训市场 Training market"
