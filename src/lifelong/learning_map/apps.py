from django.apps import AppConfig


class LearningMapConfig(AppConfig):
    name = "lifelong.learning_map"
    label = "learning_map"
    verbose_name = "学习地图 Learning map"

    def ready(self) -> None:
        from lifelong.shared import notifications

        # The reminder this domain sends before a booked session, added to the one registry
        # of notification templates.
        notifications.TEMPLATES.setdefault(
            "activity_reminder",
            notifications.Template(
                title_zh="活动提醒",
                body_zh="您报名的「{offering}」即将开始，集合地点：{place}。",
                title_en="Activity reminder",
                body_en="“{offering}” starts soon. Meet at: {place}.",
            ),
        )
