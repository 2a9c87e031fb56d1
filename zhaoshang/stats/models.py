"""Monthly roll-up of the indicators (统计汇总表), kept exact by every write.

``UnitMonthFact`` holds, for each unit, month and indicator, the value credited directly to
that unit (before the tree roll-up), as an integer: project counts, or money in 元 × basis
points of credit share (the same integer the engine sums). It is maintained in the same
transaction as each write (``stats.facts``), rebuilt by ``manage.py rebuild_stats``, and
checked against a recomputation in the tests and by ``rebuild_stats --check``.
"""

from django.db import models

from zhaoshang.core.access import UnitScoped
from zhaoshang.core.models import RestrictedManager


class UnitMonthFact(models.Model):
    unit = models.ForeignKey("accounts.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("月份")  # the first day of the month
    # An Indicator value, or a signing-mix code "mix.<dimension>.<n|a>:<key>" (stats.facts).
    indicator = models.CharField("指标", max_length=100)
    amount = models.BigIntegerField("数值（整数：个数，或 元×万分比）", default=0)

    access = UnitScoped("unit")
    objects = RestrictedManager()

    class Meta:
        verbose_name = "月度统计汇总"
        verbose_name_plural = "月度统计汇总"
        constraints = [models.UniqueConstraint(fields=["unit", "month", "indicator"], name="stats_one_fact_per_cell")]
        indexes = [models.Index(fields=["indicator", "month", "unit", "amount"], name="stats_fact_lookup")]

    def __str__(self):
        return f"{self.unit_id} {self.month:%Y-%m} {self.indicator} {self.amount}"
