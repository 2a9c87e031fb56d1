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
