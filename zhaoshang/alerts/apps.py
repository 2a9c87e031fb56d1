from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "zhaoshang.alerts"
    label = "alerts"
    verbose_name = "预警"

    def ready(self):
        # The built-in rule kinds register their evaluators (see registry.py).
        from zhaoshang.alerts import rules  # noqa: F401
        from zhaoshang.alerts.templatetags.alerts_tags import project_row_badges
        from zhaoshang.core.panels import Panel, register_panel
        from zhaoshang.core.roles import BUSINESS_ROLES
        from zhaoshang.projects.columns import register_row_badges

        # 我的预警 at the top of every business role's home page.
        register_panel("home", Panel("alerts.my_warnings", "alerts/_my_warnings.html", BUSINESS_ROLES, order=10))
        # Its open warnings as badges on the rows of the project list.
        register_row_badges(project_row_badges)
