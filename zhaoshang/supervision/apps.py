from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhaoshang.supervision"
    label = "supervision"
    verbose_name = "督办"
