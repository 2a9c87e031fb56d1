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


# --- Stationed teams and their intelligence (驻点招商小分队、招商情报) ---------------------------


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"


class SignalKind(models.TextChoices):
    RELOCATION = "relocation", "拟外迁"
    EXPANSION = "expansion", "扩产能"
    NEW_BASE = "new_base", "新设基地"
    FINANCING = "financing", "融资"
    ORDER_SHIFT = "order_shift", "订单转移"
    HIRING = "hiring", "招聘扩张"
    OTHER = "other", "其他"


class Credibility(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class SignalStage(models.TextChoices):
    """The pipeline of a signal: each step forward keeps its date; 排除 ends it with a reason."""

    SIGNAL = "signal", "线索信号"
    VERIFIED = "verified", "已核实"
    VISITED = "visited", "已拜访"
    CONVERTED = "converted", "转为项目线索"
    EXCLUDED = "excluded", "排除"


OPEN_SIGNAL_STAGES = (SignalStage.SIGNAL, SignalStage.VERIFIED, SignalStage.VISITED)

SIGNAL_STAGE_BADGES = {
    SignalStage.SIGNAL: "bg-yellow-lt",
    SignalStage.VERIFIED: "bg-blue-lt",
    SignalStage.VISITED: "bg-azure-lt",
    SignalStage.CONVERTED: "bg-green-lt",
    SignalStage.EXCLUDED: "bg-secondary-lt",
}
