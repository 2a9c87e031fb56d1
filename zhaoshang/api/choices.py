"""What a token may be allowed to do: read or write, per app (docs/api.md "Scopes")."""

from django.db import models


class ScopeApp(models.TextChoices):
    """The apps whose resources the API serves, each a pair of scopes ``<app>:read`` and,
    where the API writes, ``<app>:write``."""

    UNITS = "units", "单位"
    PROJECTS = "projects", "项目"
    FUNDS = "funds", "到位资金"
    TARGETS = "targets", "目标任务"
    STATS = "stats", "统计报表"
    ALERTS = "alerts", "预警"
    SUPERVISION = "supervision", "督办"
    SCHEDULING = "scheduling", "调度"
    BULLETINS = "bulletins", "通报"
    ASSESSMENT = "assessment", "考核"
    DASHBOARD = "dashboard", "驾驶舱"
    USERS = "users", "用户账号"
    LEADS = "leads", "线索共享"
    IMPORTS = "imports", "导入"
    REVIEW = "review", "审核"
    RELATIONS = "relations", "关系网络"
    FIELDWORK = "fieldwork", "外出招商与活动"


# Apps with write endpoints today; a write scope implies reading the same app.
WRITE_APPS = {
    ScopeApp.PROJECTS,
    ScopeApp.SUPERVISION,
    ScopeApp.SCHEDULING,
    ScopeApp.LEADS,
    ScopeApp.IMPORTS,
    ScopeApp.REVIEW,
    ScopeApp.FUNDS,
    ScopeApp.RELATIONS,
    ScopeApp.FIELDWORK,
}
LEVELS = {"read": "读取", "write": "写入"}


def scope_label(scope: str) -> str:
    app, _, level = scope.partition(":")
    try:
        return f"{ScopeApp(app).label}（{LEVELS[level]}）"
    except (ValueError, KeyError):
        return scope


ALL_SCOPES = [f"{app.value}:read" for app in ScopeApp] + [f"{app.value}:write" for app in ScopeApp if app in WRITE_APPS]

# How long a new token lives, offered on the creation page (days).
EXPIRY_CHOICES = [(30, "30 天"), (90, "90 天"), (180, "180 天"), (365, "一年")]
