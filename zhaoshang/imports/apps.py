from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "zhaoshang.imports"
    label = "imports"
    verbose_name = "台账导入"
