from django.apps import AppConfig


class LearningRecordsConfig(AppConfig):
    name = "lifelong.learning_records"
    label = "learning_records"
    verbose_name = "学习记录 Learning records"

    def ready(self) -> None:
        from lifelong.identity import api as identity
        from lifelong.learning_records.selectors import has_statements_about

        def keep_statements(person_id: str):
            if not has_statements_about(person_id):
                return None
            return identity.RetentionHold(
                frozenset({"learning_records"}),
                "学习记录（xAPI 语句）不可修改，其中只以不透明的账号编号指称本人，删除身份信息后"
                "即无法识别 / Learning records are immutable xAPI statements that name the "
                "person only by an opaque account id, unidentifiable once the identity is erased",
            )

        identity.register_retention_rule("learning_records.statements", keep_statements)
