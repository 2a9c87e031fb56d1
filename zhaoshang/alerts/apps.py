from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "zhaoshang.alerts"
    label = "alerts"
    verbose_name = "预警"

    def ready(self):
        # The built-in rule kinds register their evaluators (see registry.py).
        from zhaoshang.alerts import rules  # noqa: F401
        from zhaoshang.core.panels import HomePanel, register_home_panel
        from zhaoshang.core.roles import BUSINESS_ROLES

        # 我的预警 at the top of every business role's home page.
        register_home_panel(HomePanel("alerts.my_warnings", "alerts/_my_warnings.html", BUSINESS_ROLES, order=10))
