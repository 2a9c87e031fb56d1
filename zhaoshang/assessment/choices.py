from django.db import models


class UnitSelection(models.TextChoices):
    """Which units a scheme assesses, below its 考核范围 unit."""

    CHILDREN = "children", "直属下级单位"
    TYPE = "type", "下属某类单位（如全部乡镇街道、开发区）"
    CHOSEN = "chosen", "指定单位"


class VetoMode(models.TextChoices):
    """What 一票否决 does to a unit. Either way the unit is ranked after every unit without
    a veto; the setting decides whether its total is shown as 0 or as computed."""

    ZERO = "zero", "总分记 0 分，排在末位"
    LAST = "last", "保留得分，排在末位"


class RuleKind(models.TextChoices):
    """Bonus (加分) and deduction (扣分) kinds; each has an evaluator in ``rules.py``."""

    INVESTOR_FLAG = "investor_flag", "加分：签约项目的投资方带指定标签（如世界500强）"
    BIG_PROJECT = "big_project", "加分：签约金额达到标准的大项目（如10亿元以上）"
    NOT_STARTED = "not_started", "扣分：签约未开工且已过协议约定开工日期"
    MISSING_REPORT = "missing_report", "扣分：调度报告缺报"
    FALSIFIED = "falsified", "扣分：查实弄虚作假（招商局逐条登记）"


class EntryKind(models.TextChoices):
    """Entries the bureau makes by hand, each with its reason."""

    FALSIFIED = "falsified", "弄虚作假"
    VETO = "veto", "一票否决"
    ADJUSTMENT = "adjustment", "加减分调整"


ENTRY_BADGES = {EntryKind.FALSIFIED: "orange", EntryKind.VETO: "red", EntryKind.ADJUSTMENT: "azure"}

YEAR_KEY = "year"


def period_keys() -> list[tuple[str, str]]:
    """The period picker: 1—N月 year to date for each month, and the whole year."""
    keys = [("m1", "1月")] + [(f"m{month}", f"1—{month}月") for month in range(2, 13)]
    return [*keys, (YEAR_KEY, "全年")]
