from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingMarketConfig(AppConfig):
    name = "lifelong.training_market"
    label = "training_market"
    verbose_name = _("培训市场")

    def ready(self) -> None:
        from lifelong.identity import api as identity
        from lifelong.shared import notifications, pii
        from lifelong.training_market.services.complaints import PHONE_CONTEXT
        from lifelong.training_market.services.staff import STAFF_ID_CONTEXT

        # Key rotation (`lifelong reseal_pii`) re-encrypts these. Contracts are append-only, so
        # their sealed ID numbers keep the key they were written under (README: rotation).
        pii.register_sealed_column(
            "training_market.StaffMember", "id_number_sealed", context=STAFF_ID_CONTEXT
        )
        pii.register_sealed_column(
            "training_market.Complaint", "contact_phone_sealed", context=PHONE_CONTEXT
        )

        # The complainant hears of every step of their complaint.
        notifications.register_template(
            "market_complaint_progress",
            notifications.Template(
                title_zh="投诉办理进度",
                body_zh="您对「{institution}」的投诉（#{number}）{step}。",
                title_en="Your complaint",
                body_en="Your complaint #{number} about “{institution}”: {step}.",
                choices={
                    "step": {
                        "accept": ("已受理", "accepted"),
                        "reject": ("不予受理", "not accepted"),
                        "investigate": ("正在调查处理", "under investigation"),
                        "resolve": ("已办结", "resolved"),
                    }
                },
            ),
        )

        def keep_contracts(person_id: str):
            from django.db.models import Q

            from lifelong.training_market.models import Contract

            mine = Q(learner_person__pk=person_id) | Q(guardian_person__pk=person_id)
            if not Contract.objects.filter(mine).exists():
                return None
            return identity.RetentionHold(
                frozenset({"training_contracts"}),
                "培训合同及其预收费监管台账须依法保存，合同中的身份证号仅以加密和脱敏形式保存 / "
                "Training contracts and their supervised prepaid-funds ledger are kept as the law "
                "requires; the ID numbers in them are stored only encrypted and masked",
            )

        identity.register_retention_rule("training_market.contracts", keep_contracts)
