from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "lifelong.identity"
    label = "identity"
    verbose_name = "身份与组织 Identity"

    def ready(self) -> None:
        from lifelong.identity.services import ID_CONTEXT, PHONE_CONTEXT
        from lifelong.identity.sms_codes import CHALLENGE_PHONE_CONTEXT
        from lifelong.identity.totp import TOTP_CONTEXT
        from lifelong.shared import notifications, pii

        # The columns key rotation (`lifelong reseal_pii`) re-encrypts, with their contexts.
        for model, field, context in (
            ("identity.Person", "id_number_sealed", ID_CONTEXT),
            ("identity.Person", "phone_sealed", PHONE_CONTEXT),
            ("identity.SmsChallenge", "phone_sealed", CHALLENGE_PHONE_CONTEXT),
            ("identity.TotpDevice", "secret_sealed", TOTP_CONTEXT),
            ("identity.TotpDevice", "pending_secret_sealed", TOTP_CONTEXT),
        ):
            pii.register_sealed_column(model, field, context=context)

        notifications.register_template(
            "totp_reset",
            notifications.Template(
                title_zh="动态口令已重置",
                body_zh="管理员已重置您账号的动态口令（原因：{reason}）。请登录后重新绑定身份验证器。"
                "如非本人申请，请立即联系所在单位。",
                title_en="Your one-time password was reset",
                body_en="An administrator reset the authenticator of your account (reason: "
                "{reason}). Sign in and enrol a new one. If you did not ask for this, contact "
                "your organisation at once.",
            ),
        )
        notifications.register_template(
            "totp_disabled",
            notifications.Template(
                title_zh="动态口令已停用",
                body_zh="您账号的动态口令已停用，今后登录无需输入动态口令。如非本人操作，请立即修改密码"
                "并联系所在单位。",
                title_en="Your one-time password is switched off",
                body_en="The authenticator of your account was switched off: signing in no longer "
                "asks for a code. If this was not you, change your password and contact your "
                "organisation at once.",
            ),
        )
