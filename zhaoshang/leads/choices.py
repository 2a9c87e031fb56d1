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
