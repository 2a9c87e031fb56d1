from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "zhaoshang.leads"
    label = "leads"
    verbose_name = "线索共享"

    def ready(self):
        from zhaoshang.core.jobs import register_upkeep
        from zhaoshang.core.panels import Panel, register_panel
        from zhaoshang.core.roles import BUSINESS_ROLES
        from zhaoshang.leads.services import project_panel, return_idle_leads

        # Claimed pool leads nobody followed up go back to the pool (services.return_idle_leads).
        register_upkeep(return_idle_leads)
        # A project's page offers handing it over and the pool (projects is below leads).
        register_panel(
            "project",
            Panel("leads.project", "leads/_project_panel.html", BUSINESS_ROLES, place="main", context=project_panel),
        )
