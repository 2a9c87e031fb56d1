"""Outbound trips (外出招商): who went where, led by whom, whom they visited and what came of it.

A trip belongs to the unit that organised it; units that went along are its participants
(``TripUnit``). The leader's level (县级领导及以上 / 乡镇街道和部门主要负责人 / 其他) decides how
the trip counts (docs/counting-rules.md, 外出招商): it is read from the leader's title
through the bureau's table of titles (``LeaderTitleLevel``) unless the clerk gives it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from zhaoshang.core.access import READ_ACTIONS, ReferenceRule, UnitScoped
from zhaoshang.core.models import AuditedModel, VersionedModel
from zhaoshang.fieldwork.choices import (
    CampaignKind,
    CampaignStatus,
    Credibility,
    LeaderLevel,
    ReportStatus,
    SignalKind,
    SignalStage,
    SigningDocument,
    TripStatus,
    VisitResult,
)


class LeaderTitleLevel(AuditedModel):
    """One title (县委书记, 副县长, 镇长 …) and the level a trip it leads counts at. The bureau
    edits the table; a title not in it counts as 其他 unless the level is given."""

    title = models.CharField("职务", max_length=40, unique=True)
    level = models.CharField("带队层级", max_length=20, choices=LeaderLevel.choices)

    access = ReferenceRule()

    class Meta:
        verbose_name = "职务层级"
        verbose_name_plural = "职务层级对照表"
        ordering = ["level", "title"]

    def __str__(self):
        return f"{self.title}（{self.get_level_display()}）"


class OrganisedAccess(UnitScoped):
    """Read by the organising unit's line and by the units taking part (each with the
    units above it, as every unit-scoped row); changed and deleted only on the organiser's
    side: a town that went along reads the trip, the organiser keeps the record."""

    def __init__(self, prefix: str = "", along: str = "participations__unit"):
        super().__init__(f"{prefix}organiser", f"{prefix}{along}")
        self.own = UnitScoped(f"{prefix}organiser")

    def filter(self, queryset, user, action):
        if action in READ_ACTIONS:
            return super().filter(queryset, user, action)
        return self.own.filter(queryset, user, action)


class Trip(VersionedModel, AuditedModel):
    departure_on = models.DateField("出发日期", db_index=True)
    return_on = models.DateField("返回日期", null=True, blank=True)
    leader_name = models.CharField("带队领导", max_length=40)
    leader_title = models.CharField("领导职务", max_length=40, blank=True)
    leader_level = models.CharField("带队层级", max_length=20, choices=LeaderLevel.choices)
    level_given = models.BooleanField("层级为手工指定", default=False, help_text="不勾选时按职务层级对照表从职务读出。")
    organiser = models.ForeignKey(
        "accounts.Unit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="organised_trips"
    )
    accompanying_units = models.ManyToManyField(
        "accounts.Unit", verbose_name="随行单位", through="TripUnit", related_name="accompanied_trips", blank=True
    )
    destination_text = models.CharField("目的地", max_length=100, help_text="如台账所写，例如「深圳、东莞」。")
    destinations = models.ManyToManyField("reference.Division", verbose_name="目的地区划", related_name="+", blank=True)
    purpose = models.CharField("外出事由", max_length=200, blank=True)
    status = models.CharField("状态", max_length=20, choices=TripStatus.choices, default=TripStatus.DONE)
    remarks = models.TextField("备注", max_length=1000, blank=True)

    access = OrganisedAccess()

    class Meta:
        verbose_name = "外出招商"
        verbose_name_plural = "外出招商"
        ordering = ["-departure_on", "-id"]
        indexes = [models.Index(fields=["status", "departure_on"])]

    def __str__(self):
        return f"{self.departure_on:%Y-%m-%d} {self.leader_name}带队赴{self.destination_text}"

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:trip_detail", args=[self.pk])


class TripUnit(models.Model):
    """A unit that went along on a trip (随行单位)."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="participations")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "随行单位"
        verbose_name_plural = "随行单位"
        constraints = [models.UniqueConstraint(fields=["trip", "unit"], name="fieldwork_tripunit_once")]

    def __str__(self):
        return str(self.unit_id)


class TripVisit(VersionedModel, AuditedModel):
    """A firm or intermediary met on a trip, with the notes and what came of it."""

    trip = models.ForeignKey(Trip, verbose_name="外出招商", on_delete=models.CASCADE, related_name="visits")
    company = models.ForeignKey(
        "relations.Company", verbose_name="企业", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visited_name = models.CharField(
        "拜访对象", max_length=200, blank=True, help_text="企业未入库、或拜访的是商会、中介机构时填写名称。"
    )
    date = models.DateField("拜访日期", null=True, blank=True)
    notes = models.TextField("洽谈情况", max_length=2000, blank=True)
    result = models.CharField("成效", max_length=20, choices=VisitResult.choices, default=VisitResult.NONE)
    # By string, so that fieldwork needs no import of projects' models at import time.
    project = models.ForeignKey(
        "projects.Project", verbose_name="形成项目", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    access = OrganisedAccess("trip__")

    class Meta:
        verbose_name = "拜访记录"
        verbose_name_plural = "拜访记录"
        ordering = ["date", "id"]

    def __str__(self):
        return self.company.name if self.company_id else self.visited_name

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:trip_detail", args=[self.trip_id])


class Campaign(VersionedModel, AuditedModel):
    """An investment campaign or event (招商活动): a 招商月, a 推介会, a 签约仪式 …, organised by
    a unit with others responsible for parts of it, and its targets."""

    name = models.CharField("活动名称", max_length=100)
    kind = models.CharField("活动类型", max_length=20, choices=CampaignKind.choices)
    start_on = models.DateField("开始日期", db_index=True)
    end_on = models.DateField("结束日期", null=True, blank=True)
    place = models.CharField("地点", max_length=100, blank=True)
    organiser = models.ForeignKey(
        "accounts.Unit", verbose_name="主办单位", on_delete=models.PROTECT, related_name="organised_campaigns"
    )
    responsible_units = models.ManyToManyField(
        "accounts.Unit", verbose_name="责任单位", through="CampaignUnit", related_name="campaigns", blank=True
    )
    lead_leader = models.CharField("带队（出席）领导", max_length=60, blank=True)
    target_projects = models.PositiveIntegerField("目标签约项目数（个）", null=True, blank=True)
    target_investment = models.DecimalField(
        "目标签约金额（万元）", max_digits=18, decimal_places=4, null=True, blank=True
    )
    target_regions = models.CharField("目标地区", max_length=200, blank=True)
    target_industries = models.CharField("目标产业", max_length=200, blank=True)
    invited = models.TextField("邀请企业", max_length=2000, blank=True)
    attendance = models.PositiveIntegerField("参会人数", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED)
    review = models.TextField("活动总结", max_length=4000, blank=True)

    access = OrganisedAccess(along="unit_links__unit")

    class Meta:
        verbose_name = "招商活动"
        verbose_name_plural = "招商活动"
        ordering = ["-start_on", "-id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:campaign_detail", args=[self.pk])


class CampaignUnit(models.Model):
    """A unit responsible for part of a campaign (责任单位), with its task before it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="unit_links")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    task = models.CharField("任务", max_length=200, blank=True)

    class Meta:
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="fieldwork_campaignunit_once")]

    def __str__(self):
        return str(self.unit_id)


class CampaignSigning(AuditedModel):
    """A project signed at a campaign and the document signed (签约文书). Kept here, beside the
    campaign, rather than on the project: projects sit below fieldwork and know nothing of
    campaigns; a project is signed at one campaign at most."""

    campaign = models.ForeignKey(Campaign, verbose_name="招商活动", on_delete=models.CASCADE, related_name="signings")
    project = models.OneToOneField(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="campaign_signing"
    )
    document = models.CharField("签约文书", max_length=20, choices=SigningDocument.choices)

    access = OrganisedAccess("campaign__", along="unit_links__unit")

    class Meta:
        verbose_name = "活动签约项目"
        verbose_name_plural = "活动签约项目"

    def __str__(self):
        return f"{self.campaign} · {self.project}"


# --- Stationed teams (驻点招商小分队) and their intelligence (招商情报) ----------------------------
# Kept after the trips and campaigns: a team is a unit of the organisation tree (type 驻点招商小分队
# or 产业专班) with what the tree does not hold — its 队长, the members seconded from their home
# units, the regions and industries it works on, its base, its monthly reports.


def _team_unit_types():
    return {"type__in": ["stationed_team", "industry_team"]}


class StationedTeam(VersionedModel, AuditedModel):
    unit = models.OneToOneField(
        "accounts.Unit",
        verbose_name="小分队（单位）",
        on_delete=models.PROTECT,
        related_name="stationed_team",
        limit_choices_to=_team_unit_types,
    )
    leader_name = models.CharField("队长", max_length=40)
    leader_title = models.CharField("队长职务", max_length=40, blank=True, help_text="如：区委常委、副区长。")
    leader_user = models.ForeignKey(
        "accounts.User",
        verbose_name="队长账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="队长有系统账号时选择；没有则只填姓名。",
    )
    target_regions = models.ManyToManyField("reference.Division", verbose_name="驻点地区", related_name="+", blank=True)
    target_industries = models.CharField(
        "重点产业", max_length=200, blank=True, help_text="用顿号分隔，如：电子信息、新能源汽车。"
    )
    base_address = models.CharField("驻点地址", max_length=200, blank=True)
    remarks = models.TextField("备注", max_length=1000, blank=True)

    access = UnitScoped("unit")

    class Meta:
        verbose_name = "驻点招商小分队"
        verbose_name_plural = "驻点招商小分队"
        ordering = ["unit__path"]

    def __str__(self):
        return self.unit.name

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:team_detail", args=[self.pk])


class TeamMember(AuditedModel):
    """A member seconded from a home unit. ``home_share`` is the percent of the credit for
    projects the member brings that goes to the home unit (empty: the setting
    ``ZHAOSHANG_TEAM_HOME_SHARE_PERCENT``)."""

    team = models.ForeignKey(StationedTeam, verbose_name="小分队", on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        "accounts.User", verbose_name="账号", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField("姓名", max_length=40)
    home_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="派出单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    home_share = models.DecimalField(
        "派出单位业绩分成（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="该队员带来的项目计入派出单位的比例；留空按系统默认比例。",
    )
    duty = models.CharField("分工", max_length=60, blank=True)

    access = UnitScoped("team__unit")

    class Meta:
        verbose_name = "小分队队员"
        verbose_name_plural = "小分队队员"
        ordering = ["team", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:team_detail", args=[self.team_id])


class TeamReport(VersionedModel, AuditedModel):
    """A team's monthly work report (月度工作报告): the month, what was done, a few figures."""

    team = models.ForeignKey(StationedTeam, verbose_name="小分队", on_delete=models.CASCADE, related_name="reports")
    month = models.DateField("月份", help_text="该月的第一天。")
    text = models.TextField("工作情况", max_length=4000)
    firms_visited = models.PositiveIntegerField("走访企业（家）", default=0)
    signals_reported = models.PositiveIntegerField("报送情报（条）", default=0)
    leads_formed = models.PositiveIntegerField("形成项目线索（个）", default=0)
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)

    access = UnitScoped("team__unit")

    class Meta:
        verbose_name = "小分队月度报告"
        verbose_name_plural = "小分队月度报告"
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["team", "month"], name="fieldwork_teamreport_month_once")]

    def __str__(self):
        return f"{self.team} {self.month:%Y年%m月}工作报告"

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:team_detail", args=[self.team_id])


class Signal(VersionedModel, AuditedModel):
    """One piece of intelligence (招商情报) about a firm: what it may do, from where, how
    credible, and how far it went: 线索信号 → 已核实 → 已拜访 → 转为项目线索, or 排除 with a reason."""

    company = models.ForeignKey(
        "relations.Company", verbose_name="企业", on_delete=models.PROTECT, related_name="investment_signals"
    )
    kind = models.CharField("信号类型", max_length=20, choices=SignalKind.choices)
    summary = models.CharField("情报摘要", max_length=200)
    source = models.CharField("来源", max_length=200, help_text="如：企业高管交流、行业协会、公开报道。")
    evidence = models.TextField("依据", max_length=4000, blank=True)
    credibility = models.CharField("可信度", max_length=10, choices=Credibility.choices, default=Credibility.MEDIUM)
    investment_category = models.CharField(
        "投资类别", max_length=60, blank=True, help_text="如：生产基地、研发中心、区域总部、供应链配套。"
    )
    reporting_unit = models.ForeignKey(
        "accounts.Unit", verbose_name="报送单位", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        StationedTeam, verbose_name="小分队", null=True, blank=True, on_delete=models.SET_NULL, related_name="signals"
    )
    member = models.ForeignKey(
        TeamMember,
        verbose_name="报送队员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signals",
        help_text="由小分队队员带来的线索，转为项目时按其派出单位分成计入业绩。",
    )
    reported_on = models.DateField("报送日期", db_index=True)
    stage = models.CharField("进展", max_length=20, choices=SignalStage.choices, default=SignalStage.SIGNAL)
    verified_on = models.DateField("核实日期", null=True, blank=True)
    visited_on = models.DateField("拜访日期", null=True, blank=True)
    converted_on = models.DateField("转线索日期", null=True, blank=True)
    excluded_on = models.DateField("排除日期", null=True, blank=True)
    stage_note = models.TextField("进展说明", max_length=2000, blank=True)
    exclude_reason = models.CharField("排除原因", max_length=300, blank=True)
    project = models.OneToOneField(
        "projects.Project",
        verbose_name="形成项目线索",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_signal",
    )

    access = UnitScoped("reporting_unit")

    class Meta:
        verbose_name = "招商情报"
        verbose_name_plural = "招商情报"
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["stage", "reported_on"])]

    def __str__(self):
        return f"{self.company.name}：{self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:signal_detail", args=[self.pk])


class CampaignReview(models.Model):
    """The post-campaign review (活动后评估) as published: its figures frozen as JSON, so the
    review a leader read in a meeting stays the review on record while projects move on.
    Written once; the page compares it with today's figures."""

    campaign = models.OneToOneField(
        Campaign, verbose_name="招商活动", on_delete=models.CASCADE, related_name="published_review"
    )
    as_of = models.DateField("评估截止日期")
    numbers = models.JSONField("评估数据（发布时）", default=dict)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", auto_now_add=True)

    access = OrganisedAccess("campaign__", along="unit_links__unit")

    class Meta:
        verbose_name = "活动后评估"
        verbose_name_plural = "活动后评估"

    def __str__(self):
        return f"{self.campaign}（活动后评估）"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("已发布的活动后评估不能修改。")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("fieldwork:campaign_review", args=[self.campaign_id])


def visit_photo_path(instance, filename):
    # Generated names, as project attachments: an uploaded name never becomes a path.
    return f"visit-photos/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


class VisitPhoto(AuditedModel):
    """A photo taken on a visit, as its evidence. Not a project attachment: most visits form
    no project, and an attachment belongs to one. Checked like one (projects.attachments
    ``check_upload``); deleting the row, or its visit, removes the file (core.files)."""

    visit = models.ForeignKey(TripVisit, verbose_name="拜访记录", on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", upload_to=visit_photo_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间")

    access = OrganisedAccess("visit__trip__")

    class Meta:
        verbose_name = "拜访照片"
        verbose_name_plural = "拜访照片"
        ordering = ["id"]

    def __str__(self):
        return self.original_name
