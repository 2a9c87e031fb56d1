"""The monthly roll-up (统计汇总表), kept exact by every write (``stats.facts``).

Three kinds of fact, each a table with typed columns, every value an integer: project
counts, money in 元 × basis points of credit share (the integer the engine sums), land in
hundredths of a 亩.

- ``UnitMonthFact``: an indicator's value per unit and month, both credited to the unit
  itself (``direct``, what the engine sums over a subtree) and over the unit's whole subtree
  (``tree``, pre-rolled: the dashboard reads a scope's months from its own row).
- ``MixFact``: the signing mixes (industry section, 三次产业, leading industry, chain,
  investors' province): count and 协议引资额 of the projects signed in a month per key,
  pre-rolled (each unit's row holds its whole subtree).
- ``CohortFact``: what the ratios need of the projects signed in a month (the cohort), as
  of the end of a later month of the same year: how many had started, how many were in
  production, their funds in place, and (for 投资强度) their fixed assets and land.

Rebuilt by ``manage.py rebuild_stats``, checked against a recomputation by
``rebuild_stats --check`` and the tests.
"""

from django.db import models

from zhaoshang.core.access import UnitScoped
from zhaoshang.core.models import RestrictedManager
from zhaoshang.stats.choices import Indicator


class MixDimension(models.TextChoices):
    SECTION = "sec", "国民经济行业门类"
    SECTOR = "sector", "三次产业"
    LEADING = "lead", "主导产业"
    CHAIN = "chain", "产业链"
    PROVINCE = "prov", "投资方所在省份"


class UnitMonthFact(models.Model):
    unit = models.ForeignKey("accounts.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("月份")  # the first day of the month
    indicator = models.CharField("指标", max_length=40, choices=Indicator.choices)
    direct = models.BigIntegerField("本单位数值", default=0)
    tree = models.BigIntegerField("含下级数值", default=0)

    access = UnitScoped("unit")
    objects = RestrictedManager()

    class Meta:
        verbose_name = "月度统计汇总"
        verbose_name_plural = "月度统计汇总"
        constraints = [models.UniqueConstraint(fields=["unit", "indicator", "month"], name="stats_one_fact_per_cell")]
        # The engine's direct values: one indicator, a range of months, every unit (or a
        # subtree), read from the index alone.
        indexes = [models.Index(fields=["indicator", "month", "unit", "direct"], name="stats_fact_direct")]

    def __str__(self):
        return f"{self.unit_id} {self.month:%Y-%m} {self.indicator} {self.direct}/{self.tree}"


class MixFact(models.Model):
    unit = models.ForeignKey("accounts.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("月份")
    dimension = models.CharField("维度", max_length=10, choices=MixDimension.choices)
    key = models.CharField("分类", max_length=100, blank=True)  # "" where none is recorded
    count = models.BigIntegerField("签约项目数", default=0)
    amount = models.BigIntegerField("协议引资额（元×万分比）", default=0)

    access = UnitScoped("unit")
    objects = RestrictedManager()

    class Meta:
        verbose_name = "月度签约结构"
        verbose_name_plural = "月度签约结构"
        constraints = [
            models.UniqueConstraint(fields=["unit", "month", "dimension", "key"], name="stats_one_mix_per_cell")
        ]

    def __str__(self):
        return f"{self.unit_id} {self.month:%Y-%m} {self.dimension}:{self.key} {self.count}/{self.amount}"


class CohortFact(models.Model):
    """The projects counted to (or credited to) ``unit`` whose first signing falls in
    ``signed_month``, as they stand at the end of ``month`` (``signed_month`` ≤ ``month`` ≤
    December of that year): cumulative, so a period's ratio reads one month's rows."""

    unit = models.ForeignKey("accounts.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    signed_month = models.DateField("签约月份")
    month = models.DateField("截至月份")
    started = models.BigIntegerField("已开工项目数", default=0)
    produced = models.BigIntegerField("已投产项目数", default=0)
    funds = models.BigIntegerField("累计到位资金（元×万分比）", default=0)
    fixed_assets = models.BigIntegerField("填报用地项目的固定资产投资（元）", default=0)
    land = models.BigIntegerField("用地（0.01亩）", default=0)

    access = UnitScoped("unit")
    objects = RestrictedManager()

    class Meta:
        verbose_name = "签约项目进展汇总"
        verbose_name_plural = "签约项目进展汇总"
        constraints = [
            models.UniqueConstraint(fields=["unit", "signed_month", "month"], name="stats_one_cohort_per_cell")
        ]
        # The ratios: one month's rows, grouped by unit in index order, read from the index alone.
        indexes = [
            models.Index(
                fields=["month", "unit", "signed_month", "started", "produced", "funds", "fixed_assets", "land"],
                name="stats_cohort_lookup",
            )
        ]

    def __str__(self):
        return f"{self.unit_id} {self.signed_month:%Y-%m}→{self.month:%Y-%m}"
