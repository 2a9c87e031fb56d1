from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "zhaoshang.fieldwork"
    label = "fieldwork"
    verbose_name = "外出招商"
