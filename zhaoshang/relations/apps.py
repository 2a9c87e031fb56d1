from django.apps import AppConfig


class RelationsConfig(AppConfig):
    name = "zhaoshang.relations"
    label = "relations"
    verbose_name = "客商关系"

    def ready(self):
        from zhaoshang.core.jobs import register_upkeep
        from zhaoshang.relations.reminders import reminders_upkeep

        # The worker runs the daily reminder scan (relations/reminders.py) without core
        # importing this app.
        register_upkeep(reminders_upkeep)
