from django.db import models

# Roles live in core (the ground floor); re-exported here for the apps that import them from accounts.
from zhaoshang.core.roles import BUSINESS_ROLES, Role  # noqa: F401


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
