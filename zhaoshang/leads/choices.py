from django.db import models


class HandoverStatus(models.TextChoices):
    OFFERED = "offered", "待接收"
    ACCEPTED = "accepted", "已接收"
    DECLINED = "declined", "已拒绝"
    WITHDRAWN = "withdrawn", "已撤回"


HANDOVER_BADGES = {
    HandoverStatus.OFFERED: "yellow",
    HandoverStatus.ACCEPTED: "green",
    HandoverStatus.DECLINED: "red",
    HandoverStatus.WITHDRAWN: "secondary",
}


class PoolStatus(models.TextChoices):
    POOLED = "pooled", "在池待认领"
    CLAIMED = "claimed", "已认领"
    ASSIGNED = "assigned", "已分配"


POOL_BADGES = {PoolStatus.POOLED: "yellow", PoolStatus.CLAIMED: "green", PoolStatus.ASSIGNED: "blue"}


class SourceKind(models.TextChoices):
    """Who brought a project (引荐来源)."""

    INTERMEDIARY = "intermediary", "中介机构"
    NOTABLE = "notable", "乡贤"
    INVESTOR = "investor", "客商"
    LOCAL_FIRM = "local_firm", "本地企业（以商招商）"
    COLLEAGUE = "colleague", "同事"
    UNIT = "unit", "其他单位"
    OTHER = "other", "其他"


# The one source field each kind names (other: the text).
SOURCE_FIELD = {
    SourceKind.INTERMEDIARY: "intermediary",
    SourceKind.NOTABLE: "contact",
    SourceKind.INVESTOR: "contact",
    SourceKind.LOCAL_FIRM: "company",
    SourceKind.COLLEAGUE: "colleague",
    SourceKind.UNIT: "source_unit",
    SourceKind.OTHER: "source_text",
}
# Colleagues and units are ourselves: never rewarded, whatever a rule says.
NEVER_REWARDED = frozenset({SourceKind.COLLEAGUE, SourceKind.UNIT})


class RewardCondition(models.TextChoices):
    IN_PRODUCTION_IN_TIME = "production_in_time", "按约定投产：审核通过的投产日期不晚于协议约定投产日期后 N 天"
    FUNDS_AT_LEAST = "funds_at_least", "资金到位：审核通过的到位资金累计不少于 X 万元"


class RewardAmountKind(models.TextChoices):
    FIXED = "fixed", "固定金额（万元）"
    PERCENT_OF_FUNDS = "percent_of_funds", "按审核通过的到位资金的百分比"
