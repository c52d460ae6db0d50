from django.apps import AppConfig


class CreditBankConfig(AppConfig):
    name = "lifelong.credit_bank"
    label = "credit_bank"
    verbose_name = "学分银行 Credit bank"
