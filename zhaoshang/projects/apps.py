from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhaoshang.projects"
    label = "projects"
    verbose_name = "项目库"

    def ready(self):
        from zhaoshang.core.panels import Panel, register_panel
        from zhaoshang.core.roles import BUSINESS_ROLES
        from zhaoshang.projects.services import company_panel

        # An investor's page (relations, below projects) lists the company's projects.
        register_panel(
            "company",
            Panel(
                "projects.company",
                "projects/_company_projects.html",
                BUSINESS_ROLES,
                place="main",
                context=company_panel,
            ),
        )
        from zhaoshang.projects.services import company_timeline_entries
        from zhaoshang.relations.timeline import register_source

        register_source("projects", company_timeline_entries)
