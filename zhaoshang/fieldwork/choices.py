from django.db import models


class LeaderLevel(models.TextChoices):
    """Who led a trip, as the counting rules tell them apart (docs/counting-rules.md, 外出招商)."""

    SENIOR = "senior", "县级领导及以上"
    UNIT_HEAD = "unit_head", "乡镇街道和部门主要负责人"
    OTHER = "other", "其他"


LEVEL_BADGES = {
    LeaderLevel.SENIOR: "bg-red-lt",
    LeaderLevel.UNIT_HEAD: "bg-blue-lt",
    LeaderLevel.OTHER: "bg-secondary-lt",
}


class TripStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"


STATUS_BADGES = {
    TripStatus.PLANNED: "bg-yellow-lt",
    TripStatus.DONE: "bg-green-lt",
    TripStatus.CANCELLED: "bg-secondary-lt",
}


class VisitResult(models.TextChoices):
    NONE = "none", "暂无"
    LEAD = "lead", "获得项目线索"
    FOLLOW_UP = "follow_up", "需后续跟进"
    PROJECT = "project", "已形成项目"


class CampaignKind(models.TextChoices):
    MONTH = "month", "招商月"
    PROMOTION = "promotion", "推介会"
    SIGNING = "signing", "签约仪式"
    EXPO = "expo", "展会"
    FORUM = "forum", "座谈会"
    OTHER = "other", "其他活动"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PLANNED = "planned", "筹备中"
    HELD = "held", "已举办"
    CANCELLED = "cancelled", "已取消"


CAMPAIGN_BADGES = {
    CampaignStatus.DRAFT: "bg-secondary-lt",
    CampaignStatus.PLANNED: "bg-yellow-lt",
    CampaignStatus.HELD: "bg-green-lt",
    CampaignStatus.CANCELLED: "bg-secondary-lt",
}


class SigningDocument(models.TextChoices):
    """签约文书: a contract, or one of the agreements (框架协议 and 意向协议 are agreements)."""

    CONTRACT = "contract", "合同"
    AGREEMENT = "agreement", "协议"
    FRAMEWORK = "framework", "框架协议"
    INTENT = "intent", "意向协议"
