"""The project library: projects, their stage events, credit shares, follow-ups, files.

Money is Decimal in 万元 with four decimals (exactly one 元), never float. Stage events are
the business history (append-only: a verification changes an event's status, nothing
deletes one); the audit log records every change besides.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from zhaoshang.core.access import UnitScoped
from zhaoshang.core.fields import DecimalField
from zhaoshang.core.models import AuditedModel, VersionedModel
from zhaoshang.core.search import build_search_text
from zhaoshang.core.verification import Verifiable
from zhaoshang.projects.choices import (
    STAGE_BADGES,
    STAGE_ORDER,
    ConstructionNature,
    FollowUpKind,
    HeadquartersKind,
    InvestmentForm,
    Likelihood,
    LossReason,
    PromotionMethod,
    Stage,
)


def money_field(verbose_name: str, **kwargs) -> DecimalField:
    """An amount in 万元: up to 100 万亿元, to the 元."""
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    kwargs.setdefault("validators", [MinValueValidator(Decimal(0))])
    return DecimalField(verbose_name, max_digits=18, decimal_places=4, **kwargs)


# An officer sees a project their unit's subtree is responsible for, hosts, or shares credit in.
PROJECT_SCOPE = ("responsible_unit", "landing_unit", "credits__unit")
LIVE = models.Q(merged_into__isnull=True)  # not merged into another project


class Project(VersionedModel, AuditedModel):
    """One investment project, from first lead to production."""

    code = models.CharField("项目编号", max_length=40, unique=True)
    name = models.CharField("项目名称", max_length=200)
    description = models.TextField("建设内容", blank=True)
    investor = models.ForeignKey(
        "relations.Company",
        verbose_name="投资方",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    signing_party = models.CharField("签约主体", max_length=200, blank=True, help_text="与我方签订协议的企业或机构")
    construction_nature = models.CharField(
        "建设性质", max_length=20, choices=ConstructionNature.choices, default=ConstructionNature.NEW
    )
    investment_form = models.CharField("投资方式", max_length=20, choices=InvestmentForm.choices, blank=True)
    industry = models.ForeignKey(
        "reference.Industry",
        verbose_name="国民经济行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
    )
    industry_text = models.CharField(
        "行业（台账原文）",
        max_length=100,
        blank=True,
        help_text="台账中填写的行业名称，未能对应到国民经济行业大类时保留原文。",
    )
    leading_industry = models.CharField("主导产业", max_length=50, blank=True, db_index=True)
    chain_tag = models.CharField("产业链", max_length=50, blank=True, db_index=True)
    promotion_method = models.CharField("招商方式", max_length=30, choices=PromotionMethod.choices, blank=True)

    total_investment = money_field("协议总投资（万元）")
    fixed_asset_investment = money_field("固定资产投资（万元）")
    phase_one_investment = money_field("一期投资（万元）")
    foreign_investment_usd = money_field("外资（万美元）")
    land_mu = DecimalField(
        "用地（亩）", max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    expected_output = money_field("预计年产值（万元）")
    expected_tax = money_field("预计年税收（万元）")
    expected_jobs = models.PositiveIntegerField("预计就业（人）", null=True, blank=True)

    site = models.CharField("落地地点/园区", max_length=200, blank=True)
    responsible_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="责任单位",
        on_delete=models.PROTECT,
        related_name="responsible_projects",
        db_index=False,  # (responsible_unit, stage) in Meta leads with it
    )
    landing_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="落地单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="landed_projects",
        help_text="项目落地所在单位；跨区域落地时与责任单位不同。",
    )
    count_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="计数单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counted_projects",
        editable=False,
        help_text="项目个数计入业绩比例最大的单位（由业绩归属自动维护）。",
    )
    responsible_leader = models.CharField("责任领导", max_length=50, blank=True)
    officer_in_charge = models.CharField("责任人", max_length=50, blank=True)
    task_team = models.CharField("工作专班成员", max_length=300, blank=True)

    key_manual = models.BooleanField(
        "列为重点项目", default=False, help_text="协议总投资达到重点项目标准的自动列为重点项目。"
    )
    # No single-column indexes on is_key, stage, verified_stage or responsible_unit: the
    # composite and partial indexes in Meta lead with them, and every extra index is paid
    # on each insert (an import writes 10,000 projects at once).
    is_key = models.BooleanField("重点项目", default=False, editable=False)

    agreed_start_on = models.DateField("协议约定开工日期", null=True, blank=True)
    agreed_production_on = models.DateField("协议约定投产日期", null=True, blank=True)

    # The stage as claimed by the unit (latest submitted or verified event) and as verified.
    stage = models.CharField("当前阶段（填报）", max_length=20, choices=Stage.choices, default=Stage.LEAD)
    verified_stage = models.CharField("当前阶段（已审核）", max_length=20, choices=Stage.choices, blank=True)
    signed_on = models.DateField("签约日期", null=True, blank=True, db_index=True)
    registered_on = models.DateField("注册日期", null=True, blank=True)
    started_on = models.DateField("开工日期", null=True, blank=True, db_index=True)
    production_on = models.DateField("投产日期", null=True, blank=True)
    drop_reason = models.CharField("退库/暂缓原因", max_length=300, blank=True)
    # Judgement and competition (from Data Hub and what bureaus report): how likely the
    # project is to land, who else is bidding for it, and for a dropped one where it went.
    landing_likelihood = models.CharField("落地可能性", max_length=10, choices=Likelihood.choices, blank=True)
    competitor_regions = models.CharField(
        "竞争地区", max_length=200, blank=True, help_text="同时在争取该项目的其他地区，如：合肥、武汉。"
    )
    headquarters_kind = models.CharField(
        "总部类型", max_length=20, choices=HeadquartersKind.choices, blank=True, help_text="总部经济项目填写。"
    )
    lost_to_division = models.ForeignKey(
        "reference.Division",
        verbose_name="流失去向",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="退库项目最终落户的地区（省或市）。",
    )
    lost_reason = models.CharField("流失原因", max_length=20, choices=LossReason.choices, blank=True)

    remarks = models.TextField("备注", blank=True)
    search_text = models.CharField("检索文本", max_length=2000, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已合并至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        help_text="重复项目合并后，被合并的项目保留于此，不再计入统计。",
        # Indexed below for merged rows only: a full index made SQLite's planner answer
        # "live projects that are key / in a band" through "merged_into IS NULL": every row.
        db_index=False,
    )

    access = UnitScoped(*PROJECT_SCOPE)

    class Meta:
        verbose_name = "项目"
        verbose_name_plural = "项目"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["responsible_unit", "stage"]),
            models.Index(fields=["stage", "signed_on"]),
            models.Index(fields=["updated_at", "id"]),
            # "merged into X" (the merge page, PROTECT on delete): the few merged rows only.
            models.Index(
                fields=["merged_into"], condition=models.Q(merged_into__isnull=False), name="projects_merged_into"
            ),
            # The list shows live (not merged-away) projects newest first. Partial indexes
            # on that condition let SQLite answer "stage/key/unit/amount band = x, newest
            # first, 50 rows" and its count from the index alone, instead of reading and
            # sorting tens of thousands of wide rows (measured in bench/: 190 ms → under 1 ms).
            # Those used for counts end with merged_into (always NULL in them): SQLite uses
            # an index alone only when it holds every column the query names, the
            # condition's included; without it the live count read the whole table (60 ms).
            models.Index(fields=["stage", "updated_at"], condition=LIVE, name="projects_live_stage_updated"),
            # The live count, by stage and key (also the dashboard's funnel).
            models.Index(fields=["stage", "is_key", "merged_into"], condition=LIVE, name="projects_live_stage_key"),
            # Key projects are a few percent of all: an index of only them tells SQLite's
            # planner so (its statistics average the flag's two values: "100,000 rows each"),
            # and the key list and its count read ~7,000 entries, not a table scan (86 ms).
            models.Index(
                fields=["updated_at", "merged_into"],
                condition=LIVE & models.Q(is_key=True),
                name="projects_live_key_only",
            ),
            # Not ending with merged_into: held whole, SQLite sorted a county's 68,000 entries
            # for the newest 50 (18 ms) instead of reading them newest first (0.1 ms).
            models.Index(fields=["responsible_unit", "updated_at"], condition=LIVE, name="projects_live_unit_updated"),
            # Amount bands and the amount sort, with or without the key flag: through a
            # plain amount index every project in a band was read for its key flag and date
            # (6,000 rows for 1—5亿元 at province scale, 12 ms for the count and the page).
            models.Index(
                fields=["total_investment", "is_key", "updated_at", "merged_into"],
                include=["id"],
                condition=LIVE,
                name="projects_live_amount_key",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def derive_fields(self, *, search_text: bool = True) -> None:
        """Fields computed from others (also called by bulk creation, which skips save).
        ``search_text=False`` keeps the search text (its pinyin is the costly part) when the
        caller knows that name, code and investor are as stored."""
        threshold = Decimal(settings.KEY_PROJECT_THRESHOLD_WAN)
        self.is_key = self.key_manual or (self.total_investment is not None and self.total_investment >= threshold)
        if search_text:
            self.search_text = build_search_text(self.name, self.code, self.investor.name if self.investor_id else "")

    @property
    def stage_badge(self) -> str:
        return STAGE_BADGES.get(self.stage, "secondary")

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.get(self.stage, -1)


class ProjectCredit(AuditedModel):
    """A share of a project's credit: (unit, percent), the shares of a project adding up
    to 100. Amounts are split by share; a project count goes to the largest share."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="credits")
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="计入单位", on_delete=models.PROTECT, related_name="project_credits"
    )
    percent = models.DecimalField(
        "比例（%）",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
    )
    reason = models.CharField("说明", max_length=200, blank=True, help_text="例如：跨区域落地，功劳记到县名下")

    access = UnitScoped("project__responsible_unit", "project__landing_unit", "unit")

    class Meta:
        verbose_name = "业绩归属"
        verbose_name_plural = "业绩归属"
        ordering = ["project", "-percent"]
        constraints = [models.UniqueConstraint(fields=["project", "unit"], name="projects_credit_unique_unit")]

    def __str__(self):
        return f"{self.unit} {self.percent}%"


class StageEvent(Verifiable, AuditedModel):
    """A stage the project reached: its date, evidence, and verification by the bureau.

    Only verified events count in statistics. ``amount`` is what the event contributes
    to 协议引资额 (for a capital increase, only the increase).
    """

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="events")
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices)
    date = models.DateField("日期")
    amount = money_field("金额（万元）", help_text="签约事件：协议总投资；增资项目仅计增资部分。")
    is_supplementary = models.BooleanField("补充协议", default=False, help_text="补充协议不重复计入签约。")
    note = models.TextField("说明", blank=True)
    # A returned claim stays as it was (history); its correction is a new event pointing
    # back at it, so the return, its reason and the first evidence remain readable.
    resubmission_of = models.ForeignKey(
        "self",
        verbose_name="重新填报自",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resubmissions",
        help_text="被退回后重新填报时，指向被退回的那次填报。",
    )

    review_kind = "event"
    review_label = "阶段填报"
    review_unit_field = "project__responsible_unit"
    review_amount_field = "amount"
    review_stage_field = "stage"

    access = UnitScoped(*(f"project__{field}" for field in PROJECT_SCOPE))

    class Meta:
        verbose_name = "阶段事件"
        verbose_name_plural = "阶段事件"
        ordering = ["project", "date", "id"]
        indexes = [models.Index(fields=["stage", "status", "date"])]

    def __str__(self):
        return f"{self.project} {self.get_stage_display()} {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.project_id])

    def verification_subject(self) -> str:
        return f"{self.project.name}「{self.get_stage_display()}」（{self.date:%Y-%m-%d}）"

    def submitting_unit(self):
        return self.project.responsible_unit

    def evidence_files(self) -> list:
        return list(self.attachments.all())

    def returned_refusal(self) -> str:
        if self.resubmissions.exists():
            # The corrected claim replaces it; verifying both would count the stage twice.
            return "该填报已退回并重新填报，请审核重新填报的记录。"
        return super().returned_refusal()

    def after_verification(self, previous: str) -> None:
        # Only verified events count, so the project's verified stage follows every decision.
        from zhaoshang.projects.services import _recompute_verified_stage

        _recompute_verified_stage(self.project)


class FollowUp(AuditedModel):
    """跟踪洽谈记录: one contact with the investor, and what comes next."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField("日期")
    kind = models.CharField("方式", max_length=20, choices=FollowUpKind.choices)
    participants = models.CharField("参加人员", max_length=300, blank=True)
    content = models.TextField("洽谈内容")
    investor_requests = models.TextField("企业诉求", blank=True)
    next_step = models.TextField("下一步工作", blank=True)
    next_contact_on = models.DateField("下次联系日期", null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    access = UnitScoped(*(f"project__{field}" for field in PROJECT_SCOPE))

    class Meta:
        verbose_name = "跟踪洽谈记录"
        verbose_name_plural = "跟踪洽谈记录"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.project} {self.date:%Y-%m-%d} {self.get_kind_display()}"


def attachment_path(instance, filename):
    # Generated names: an uploaded name never becomes a path on the server.
    return f"attachments/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(AuditedModel):
    """Evidence and documents (agreements, licences, photos, bank vouchers). Stored under
    generated names outside the static root and served only by a scoped view."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="attachments")
    stage_event = models.ForeignKey(
        StageEvent, verbose_name="阶段事件", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    follow_up = models.ForeignKey(
        FollowUp, verbose_name="洽谈记录", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    description = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间")

    access = UnitScoped(*(f"project__{field}" for field in PROJECT_SCOPE))

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.original_name
