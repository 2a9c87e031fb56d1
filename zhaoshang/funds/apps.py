from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "zhaoshang.funds"
    label = "funds"
    verbose_name = "到位资金"

    def ready(self):
        from zhaoshang.core.panels import Panel, register_panel
        from zhaoshang.core.roles import BUSINESS_ROLES
        from zhaoshang.funds.services import project_panel

        # A project's page shows its money: a line of 投资情况 and the 到位资金 card.
        for place, template in (
            ("investment", "funds/_project_investment.html"),
            ("main", "funds/_project_funds.html"),
        ):
            register_panel(
                "project", Panel(f"funds.{place}", template, BUSINESS_ROLES, place=place, context=project_panel)
            )
