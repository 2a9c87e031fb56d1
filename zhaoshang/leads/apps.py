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
        from zhaoshang.leads import referrals
        from zhaoshang.projects.services import register_withdrawal_check
        from zhaoshang.relations.timeline import register_source

        # Who brought a project, on its page; what a source brought, on the source's page
        # (relations is below leads and renders whatever is registered for its pages).
        register_panel(
            "project",
            Panel(
                "leads.referrals",
                "leads/_project_referrals.html",
                BUSINESS_ROLES,
                place="main",
                order=90,
                context=referrals.project_referrals_panel,
            ),
        )
        for page, context in (
            ("company", referrals.company_referrals_panel),
            ("contact", referrals.contact_referrals_panel),
            ("intermediary", referrals.intermediary_referrals_panel),
        ):
            register_panel(
                page,
                Panel("leads.referrals", "leads/_source_referrals.html", BUSINESS_ROLES, place="main", context=context),
            )
        register_source("leads", referrals.company_timeline_entries)
        # A project whose referral reward was paid keeps its history.
        register_withdrawal_check(referrals.withdrawal_refusal)
