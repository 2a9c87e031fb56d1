from django.db import models


class DivisionLevel(models.IntegerChoices):
    PROVINCE = 1, "省级"
    PREFECTURE = 2, "地级"
    COUNTY = 3, "县级"
    TOWNSHIP = 4, "乡级"


class IndustryLevel(models.IntegerChoices):
    SECTION = 1, "门类"
    DIVISION = 2, "大类"


class Sector(models.IntegerChoices):
    """三次产业 (国家统计局《三次产业划分规定》2018)."""

    PRIMARY = 1, "第一产业"
    SECONDARY = 2, "第二产业"
    TERTIARY = 3, "第三产业"


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日（休息）"
    WORKDAY = "workday", "调休上班"
