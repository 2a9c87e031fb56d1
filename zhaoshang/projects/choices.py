from django.db import models

# Verification is shared by every model the bureau verifies; re-exported for the many
# callers that import it from here.
from zhaoshang.core.choices import VERIFICATION_BADGES, Verification  # noqa: F401


class Stage(models.TextChoices):
    """Where a project is. The six lifecycle stages are ordered; 退库 and 暂缓 are exits."""

    LEAD = "lead", "线索"
    NEGOTIATING = "negotiating", "在谈"
    SIGNED = "signed", "签约"
    REGISTERED = "registered", "注册"
    STARTED = "started", "开工"
    PRODUCTION = "production", "投产"
    ON_HOLD = "on_hold", "暂缓"
    DROPPED = "dropped", "退库"


LIFECYCLE = [Stage.LEAD, Stage.NEGOTIATING, Stage.SIGNED, Stage.REGISTERED, Stage.STARTED, Stage.PRODUCTION]
STAGE_ORDER = {stage: index for index, stage in enumerate(LIFECYCLE)}
STAGE_BADGES = {
    Stage.LEAD: "secondary",
    Stage.NEGOTIATING: "azure",
    Stage.SIGNED: "blue",
    Stage.REGISTERED: "indigo",
    Stage.STARTED: "orange",
    Stage.PRODUCTION: "green",
    Stage.ON_HOLD: "yellow",
    Stage.DROPPED: "red",
}
# The date field of Project that a stage event of each stage sets.
STAGE_DATE_FIELDS = {
    Stage.SIGNED: "signed_on",
    Stage.REGISTERED: "registered_on",
    Stage.STARTED: "started_on",
    Stage.PRODUCTION: "production_on",
}


class ConstructionNature(models.TextChoices):
    NEW = "new", "新建"
    EXPANSION = "expansion", "扩建"
    RENOVATION = "renovation", "技改"
    CAPITAL_INCREASE = "capital_increase", "增资"


class InvestmentForm(models.TextChoices):
    SOLE = "sole", "独资"
    JOINT_VENTURE = "joint_venture", "合资"
    COOPERATION = "cooperation", "合作"
    MERGER = "merger", "并购"
    OTHER = "other", "其他"


class PromotionMethod(models.TextChoices):
    """招商方式."""

    BUSINESS_REFERRAL = "business_referral", "以商招商"
    STATIONED = "stationed", "驻点招商"
    INTERMEDIARY = "intermediary", "中介/委托招商"
    INDUSTRY_CHAIN = "industry_chain", "产业链招商"
    FUND = "fund", "基金招商"
    EVENT = "event", "活动招商"
    HOMETOWN = "hometown", "乡贤招商"
    DIRECT = "direct", "上门招商"
    ONLINE = "online", "网络招商"
    OTHER = "other", "其他"


class FollowUpKind(models.TextChoices):
    VISIT = "visit", "外出拜访"
    HOSTED = "hosted", "接待来访"
    CALL = "call", "电话沟通"
    MEETING = "meeting", "会谈/视频会"
    SITE = "site", "实地考察"
    OTHER = "other", "其他"


class Likelihood(models.TextChoices):
    """落地可能性: the officer's judgement of whether the project will land here."""

    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class HeadquartersKind(models.TextChoices):
    """总部经济: a project that brings a head office, counted as a kind of its own."""

    CORPORATE = "corporate", "企业总部"
    REGIONAL = "regional", "区域总部"
    FUNCTIONAL = "functional", "功能性总部"


class LossReason(models.TextChoices):
    """Why a dropped project went elsewhere (流失原因), as bureaus report it."""

    POLICY = "policy", "政策条件不及竞争地区"
    FACTORS = "factors", "用地、能耗等要素保障不足"
    CHAIN = "chain", "产业配套不足"
    ENVIRONMENT = "environment", "营商环境因素"
    INVESTOR = "investor", "企业自身原因（资金、战略调整）"
    OTHER = "other", "其他"
