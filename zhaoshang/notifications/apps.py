from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "zhaoshang.notifications"
    label = "notifications"
    verbose_name = "消息通知"

    def ready(self):
        from zhaoshang.core.jobs import register_upkeep
        from zhaoshang.core.verification import verification_decided
        from zhaoshang.notifications.services import on_verification_decided, worker_upkeep

        # Core decides claims without importing this app; it hears of them through the signal.
        verification_decided.connect(on_verification_decided, dispatch_uid="notifications.verification_decided")
        register_upkeep(worker_upkeep)
