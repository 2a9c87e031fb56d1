from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhaoshang.supervision"
    label = "supervision"
    verbose_name = "督办"

    def ready(self):
        from zhaoshang.core.panels import Panel, register_panel
        from zhaoshang.core.roles import Role

        # The problems waiting for the user: under the leader's warnings (only when some
        # wait), in the side column of the bureau's and officers' pages (always).
        template = "supervision/_home_problems.html"
        register_panel(
            "home",
            Panel(
                "supervision.leader",
                template,
                frozenset({Role.LEADER}),
                order=20,
                context=lambda user: {"hide_empty": True},
            ),
        )
        register_panel(
            "home",
            Panel(
                "supervision.side",
                template,
                frozenset({Role.BUREAU, Role.OFFICER}),
                place="side",
                context=lambda user: {"hide_empty": False},
            ),
        )
