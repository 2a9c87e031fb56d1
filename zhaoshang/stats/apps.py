from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zhaoshang.stats"
    label = "stats"
    verbose_name = "统计"
