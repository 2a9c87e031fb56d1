from django.db import models


class CompanyNature(models.TextChoices):
    CENTRAL_SOE = "central_soe", "央企"
    LOCAL_SOE = "local_soe", "地方国企"
    PRIVATE = "private", "民企"
    FOREIGN = "foreign", "外资"
    JOINT = "joint", "合资"
    OTHER = "other", "其他"


class CompanyFlag(models.TextChoices):
    """Distinctions that bulletins and assessment bonuses count (世界500强 …)."""

    GLOBAL_500 = "global500", "世界500强"
    CHINA_500 = "china500", "中国500强"
    PRIVATE_500 = "private500", "民营500强"
    LISTED = "listed", "上市公司"
    SPECIALISED = "specialised", "专精特新"
    HIGH_TECH = "high_tech", "高新技术企业"
    CHAIN_LEADER = "chain_leader", "链主企业"
