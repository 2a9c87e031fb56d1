from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "zhaoshang.review"
    verbose_name = "待审核"
