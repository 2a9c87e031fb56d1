from django.db import models


class RoundKind(models.TextChoices):
    MONTHLY = "monthly", "月调度"
    HALF_MONTHLY = "half_monthly", "半月调度"


class Half(models.IntegerChoices):
    """Which part of the month a round reports on; a monthly round reports on the whole."""

    WHOLE = 0, "整月"
    FIRST = 1, "上半月"
    SECOND = 2, "下半月"


class RoundStatus(models.TextChoices):
    OPEN = "open", "填报中"
    CLOSED = "closed", "已结束"


ROUND_STATUS_BADGES = {RoundStatus.OPEN: "blue", RoundStatus.CLOSED: "secondary"}


class ReportStatus(models.TextChoices):
    """A unit's report on one project in a round."""

    PENDING = "pending", "未填报"
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回"


REPORT_STATUS_BADGES = {
    ReportStatus.PENDING: "secondary",
    ReportStatus.DRAFT: "yellow",
    ReportStatus.SUBMITTED: "green",
    ReportStatus.RETURNED: "red",
}


class Outcome(models.TextChoices):
    """How a report ended when its round closed (or stands now, in an open round)."""

    ON_TIME = "on_time", "按时报送"
    LATE = "late", "逾期报送"
    MISSING = "missing", "未报送"
