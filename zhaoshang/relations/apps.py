from django.apps import AppConfig


class RelationsConfig(AppConfig):
    name = "zhaoshang.relations"
    label = "relations"
    verbose_name = "客商关系"
