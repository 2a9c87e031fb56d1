from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "zhaoshang.alerts"
    label = "alerts"
    verbose_name = "预警"

    def ready(self):
        # The built-in rule kinds register their evaluators (see registry.py).
        from zhaoshang.alerts import rules  # noqa: F401
