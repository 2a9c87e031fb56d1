from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zhaoshang.stats"
    label = "stats"
    verbose_name = "统计"

    def ready(self):
        # The monthly roll-up follows every write to the rows it is computed from.
        from zhaoshang.stats import facts

        facts.connect()
