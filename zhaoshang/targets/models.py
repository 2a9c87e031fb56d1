"""Annual targets (目标任务): for a year, per unit and indicator."""

from django.db import models

from zhaoshang.core.access import UnitScoped
from zhaoshang.core.fields import DecimalField
from zhaoshang.core.models import AuditedModel
from zhaoshang.stats.choices import Indicator


class Target(AuditedModel):
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    unit = models.ForeignKey("accounts.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="targets")
    indicator = models.CharField("指标", max_length=40, choices=Indicator.choices)
    value = DecimalField(
        "目标值", max_digits=18, decimal_places=4, help_text="金额以万元（外资以万美元）计，个数以个计。"
    )
    note = models.CharField("说明", max_length=200, blank=True)

    access = UnitScoped("unit")

    class Meta:
        verbose_name = "目标任务"
        verbose_name_plural = "目标任务"
        ordering = ["year", "unit__path", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "indicator"], name="targets_one_per_unit_indicator")
        ]

    def __str__(self):
        return f"{self.year}年 {self.unit} {self.get_indicator_display()} {self.value}"
