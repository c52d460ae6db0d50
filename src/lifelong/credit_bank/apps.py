from django.apps import AppConfig


class CreditBankConfig(AppConfig):
    name = "lifelong.credit_bank"
    label = "credit_bank"
    verbose_name = "学分银行 Credit bank"

    def ready(self) -> None:
        from lifelong.credit_bank.services.outcomes import on_course_completed
        from lifelong.shared import events

        # Completions on the learning cloud arrive in the learner's archive (durable delivery;
        # the handler is idempotent on the completion's source reference).
        events.subscribe("catalog.course_completed", on_course_completed)
