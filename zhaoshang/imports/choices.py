from django.db import models


class ImportKind(models.TextChoices):
    LEDGER = "ledger", "项目台账"
    FUNDS = "funds", "到位资金"
    TARGETS = "targets", "目标任务"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "待确认"
    COMMITTED = "committed", "已导入"
    REFUSED = "refused", "未通过校验"


class RowAction(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "更新"
    UNCHANGED = "unchanged", "无变化"
    ERROR = "error", "有错误"
    EXCLUDED = "excluded", "已排除"
