from django.db import models


class Role(models.TextChoices):
    """One role per account. System admin and auditor are exclusive by construction
    (三权分立): a user holds exactly one role, so no account can be both."""

    LEADER = "leader", "领导"
    BUREAU = "bureau", "招商局"
    OFFICER = "officer", "单位填报员"
    SYSADMIN = "sysadmin", "系统管理员"
    AUDITOR = "auditor", "审计员"


# Roles that work with business data (projects, funds, targets …).
BUSINESS_ROLES = {Role.LEADER, Role.BUREAU, Role.OFFICER}


class UnitType(models.TextChoices):
    CITY = "city", "市"
    CITY_LEVEL = "city_level", "市本级"
    COUNTY = "county", "县（市、区）"
    TOWN = "town", "乡镇街道"
    DEPARTMENT = "department", "部门"
    ZONE = "zone", "开发区/园区"
    INDUSTRY_TEAM = "industry_team", "产业专班"
    STATIONED_TEAM = "stationed_team", "驻点招商小分队"
    PROVINCE = "province", "省"
