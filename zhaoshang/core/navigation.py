"""The sidebar: each role sees only what it may use.

Items are declared once here; an app adds its entries when it arrives. An item is shown
when the user's role is in ``roles``. The sidebar prints a section's heading where its run
of items starts, so a section's items stay together and each heading names one section.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from zhaoshang.core.roles import BUSINESS_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    roles: frozenset
    section: str = ""


ALL = frozenset(Role)
BUSINESS = BUSINESS_ROLES

NAV_ITEMS = [
    NavItem("首页", "core:home", "home", ALL),
    NavItem("领导驾驶舱", "dashboard:index", "dashboard", BUSINESS),
    # Every claim waiting for the bureau (stage claims, tranches …); the leader reads it.
    NavItem("待审核", "review:queue", "checks", frozenset({Role.BUREAU, Role.LEADER}), "项目"),
    NavItem("项目库", "projects:list", "briefcase", BUSINESS, "项目"),
    NavItem("项目看板", "projects:kanban", "layout-kanban", BUSINESS, "项目"),
    NavItem("投资方", "relations:company_list", "building-skyscraper", BUSINESS, "项目"),
    NavItem("查找企业客商", "relations:search", "search", BUSINESS, "项目"),
    NavItem("客商与乡贤", "relations:contact_list", "address-book", BUSINESS, "项目"),
    NavItem("走访接待", "relations:interaction_list", "messages", BUSINESS, "项目"),
    NavItem("中介机构", "relations:intermediary_list", "building-community", BUSINESS, "项目"),
    NavItem("线索池", "leads:pool_list", "bucket", BUSINESS, "项目"),
    NavItem("项目信息共享", "leads:handover_list", "arrows-exchange", BUSINESS, "项目"),
    NavItem("项目引荐", "leads:referral_list", "user-share", BUSINESS, "项目"),
    NavItem("引荐奖励", "leads:reward_list", "gift", BUSINESS, "项目"),
    NavItem("新建项目", "projects:create", "plus", frozenset({Role.BUREAU, Role.OFFICER}), "项目"),
    NavItem("台账导入", "imports:ledger_upload", "file-import", frozenset({Role.BUREAU, Role.OFFICER}), "项目"),
    NavItem("到位资金", "funds:list", "coin-yuan", BUSINESS, "资金与目标"),
    NavItem("导入到位资金", "funds:import", "file-import", frozenset({Role.BUREAU, Role.OFFICER}), "资金与目标"),
    NavItem("目标任务", "targets:grid", "target-arrow", BUSINESS, "资金与目标"),
    NavItem("外出招商", "fieldwork:trip_list", "plane-departure", BUSINESS, "招商工作"),
    NavItem("招商活动", "fieldwork:campaign_list", "speakerphone", BUSINESS, "招商工作"),
    NavItem("驻点小分队", "fieldwork:team_list", "flag", BUSINESS, "招商工作"),
    NavItem("招商情报", "fieldwork:signal_list", "radar", BUSINESS, "招商工作"),
    NavItem("手机登记拜访", "fieldwork:mobile_home", "device-mobile", BUSINESS, "招商工作"),
    NavItem("职务层级", "fieldwork:title_list", "list-details", frozenset({Role.BUREAU, Role.SYSADMIN}), "招商工作"),
    NavItem("统计报表", "stats:table", "table", BUSINESS, "统计考核"),
    NavItem("考核", "assessment:scheme_list", "award", BUSINESS, "统计考核"),
    NavItem("通报", "bulletins:list", "file-text", BUSINESS, "统计考核"),
    NavItem("红黑榜规则", "bulletins:honour_rule_list", "list-numbers", frozenset({Role.BUREAU}), "统计考核"),
    NavItem("预警", "alerts:list", "urgent", BUSINESS, "调度督查"),
    NavItem("预警规则", "alerts:rules", "adjustments", BUSINESS, "调度督查"),
    NavItem("问题清单", "supervision:list", "alert-triangle", BUSINESS, "调度督查"),
    NavItem("领导批示", "supervision:instruction_list", "message-2", BUSINESS, "调度督查"),
    NavItem("问题办结率", "supervision:closure", "chart-bar", BUSINESS, "调度督查"),
    NavItem("项目调度", "scheduling:list", "calendar-check", BUSINESS, "调度督查"),
    NavItem(
        "单位管理",
        "accounts:unit_list",
        "building-community",
        frozenset({Role.SYSADMIN, Role.BUREAU, Role.LEADER, Role.OFFICER}),
        "组织",
    ),
    NavItem("用户管理", "accounts:user_list", "users", frozenset({Role.SYSADMIN}), "组织"),
    NavItem("节假日", "reference:holiday_list", "calendar", frozenset({Role.SYSADMIN, Role.BUREAU}), "基础数据"),
    NavItem("行政区划", "reference:division_list", "map-pin", ALL - {Role.AUDITOR}, "基础数据"),
    NavItem("行业分类", "reference:industry_list", "category", ALL - {Role.AUDITOR}, "基础数据"),
    NavItem(
        "客商来源分组", "reference:origin_group_list", "world", frozenset({Role.SYSADMIN, Role.BUREAU}), "基础数据"
    ),
    NavItem("消息通知", "notifications:list", "bell", ALL - {Role.AUDITOR}, "通知"),
    NavItem("群机器人", "notifications:webhook_list", "robot", frozenset({Role.BUREAU}), "通知"),
    NavItem("事件推送", "webhooks:list", "webhook", frozenset({Role.BUREAU, Role.OFFICER}), "通知"),
    NavItem("发送状况", "notifications:delivery_health", "activity", frozenset({Role.SYSADMIN}), "通知"),
    NavItem("审计日志", "core:audit_list", "shield-check", frozenset({Role.AUDITOR}), "安全"),
    NavItem("安全事件", "core:security_events", "shield-x", frozenset({Role.AUDITOR}), "安全"),
    # Personal tokens for other systems (zhaoshang/api); the system admin also revokes anyone's.
    NavItem("API 令牌", "api:token_list", "key", ALL, "账号"),
]


def items_for(user) -> list[dict]:
    if not getattr(user, "is_authenticated", False):
        return []
    visible = []
    for item in NAV_ITEMS:
        if user.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # the app that serves it is not installed yet
            continue
        visible.append({"label": item.label, "url": url, "icon": item.icon, "section": item.section})
    return visible
