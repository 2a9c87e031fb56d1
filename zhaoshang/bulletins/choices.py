from django.db import models


class BulletinKind(models.TextChoices):
    """月通报 covers 1 January to the end of a month; 季通报 1 January to the end of a quarter
    (the cumulative figures bulletins report, "1—9月"), titled by the quarter."""

    MONTHLY = "monthly", "月度调度通报"
    QUARTERLY = "quarterly", "季度通报"


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


STATUS_BADGES = {BulletinStatus.DRAFT: "yellow", BulletinStatus.PUBLISHED: "green"}

# Not a data action: regenerating a published bulletin to compare it with its snapshot
# needs a reader who sees every unit (the bureau, leaders), else the comparison would
# mistake the reader's narrower scope for changes.
COMPARE = "compare"


class HonourMeasure(models.TextChoices):
    """What a 红黑榜 ranks units by (docs/counting-rules.md, 红黑榜)."""

    COMPLETION = "completion", "指标年度目标完成率"
    BASIC_WORK = "basic_work", "基础工作"


class BasicWorkCheck(models.TextChoices):
    """The checklist of basic work a 红黑榜 may score, over the bulletin's last month (a
    quarterly bulletin: its quarter), as the 调度工作情况 section reads it."""

    REPORTS_ON_TIME = "reports_on_time", "调度按时报送"
    LEDGER_UPDATED = "ledger_updated", "台账按期更新"
