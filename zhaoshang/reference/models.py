"""Reference data: administrative divisions, the industry classification, the calendar.

Divisions and industries are loaded from the data files in ``reference/data`` (each names
its source) by ``manage.py load_reference``; the holiday calendar is seeded the same way
and then maintained by administrators as each year's arrangement is announced.
"""

from django.db import models

from zhaoshang.core.access import ReferenceRule
from zhaoshang.core.models import AuditedModel, RestrictedManager
from zhaoshang.reference.choices import DivisionLevel, HolidayKind, IndustryLevel, Sector


class Division(models.Model):
    """An administrative division (国家统计局 统计用区划代码, 2023), down to township level.

    ``code`` is the statistical code without trailing zeros: 2 digits for a province,
    4 for a prefecture, 6 for a county, 9 for a township.
    """

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("级别", choices=DivisionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    province_code = models.CharField("省级代码", max_length=2, db_index=True)

    access = ReferenceRule()
    objects = RestrictedManager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Industry(models.Model):
    """GB/T 4754-2017 国民经济行业分类: sections (门类, A–T) and divisions (大类, 01–97)."""

    code = models.CharField("代码", max_length=5, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("级别", choices=IndustryLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="门类", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    sector = models.PositiveSmallIntegerField("三次产业", choices=Sector.choices, null=True, blank=True)

    access = ReferenceRule()
    objects = RestrictedManager()

    class Meta:
        verbose_name = "国民经济行业"
        verbose_name_plural = "国民经济行业"
        ordering = ["code"]

    choice_label_fields = ("code", "name")  # as __str__, for FastSelect's plain rows

    def __str__(self):
        return f"{self.code} {self.name}"


class CalendarYear(AuditedModel):
    """A year whose holiday arrangement is known. Working-day arithmetic refuses to
    count through a year that is not here, rather than guess."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField(
        "依据", max_length=200, blank=True, help_text="例如：国务院办公厅关于2027年部分节假日安排的通知"
    )

    access = ReferenceRule()

    class Meta:
        verbose_name = "节假日年度"
        verbose_name_plural = "节假日年度"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年"


class Holiday(AuditedModel):
    """A day that differs from the ordinary week: a public holiday on a weekday, or a
    weekend day that is a make-up workday (调休)."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=HolidayKind.choices)
    name = models.CharField("名称", max_length=40, blank=True, help_text="例如：春节、国庆节")

    access = ReferenceRule()

    class Meta:
        verbose_name = "节假日"
        verbose_name_plural = "节假日"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class OriginGroup(AuditedModel):
    """A named group of provincial-level divisions that bulletins count investors from
    (客商来源: 沪苏浙, 京津冀, 粤港澳). The bureau edits them; ``relations.origin`` reads them.
    Codes are GB/T 2260 provincial codes (``reference.choices.PROVINCES``), 71/81/82 included
    (an investor from 香港 belongs to 粤港澳 through ``Company.abroad``)."""

    name = models.CharField("名称", max_length=20, unique=True, help_text="例如：沪苏浙")
    province_codes = models.JSONField("包含的省级地区", default=list, help_text="省级区划代码，例如 31、32、33")
    sort_order = models.IntegerField("排序", default=0)

    access = ReferenceRule()

    class Meta:
        verbose_name = "客商来源分组"
        verbose_name_plural = "客商来源分组"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    @property
    def provinces_text(self) -> str:
        from zhaoshang.reference.choices import PROVINCES

        names = {code: short for code, _, short in PROVINCES}
        return "、".join(names.get(code, code) for code in self.province_codes)
