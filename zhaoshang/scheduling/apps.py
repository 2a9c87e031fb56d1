from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "zhaoshang.scheduling"
    label = "scheduling"
    verbose_name = "项目调度"
