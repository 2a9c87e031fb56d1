from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "zhaoshang.funds"
    label = "funds"
    verbose_name = "到位资金"
