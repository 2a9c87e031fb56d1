"""What the API sends and accepts. Money and every figure are strings of exact decimals
(never JSON numbers, which clients read as binary floats); dates are ISO dates, times are
ISO times with their offset (Asia/Shanghai)."""

import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from zhaoshang.projects.choices import LIFECYCLE, FollowUpKind, Stage


class Schema(BaseModel):
    """Plain pydantic models: the endpoints hand over dicts, so ninja's Schema (which reads
    attributes of model instances through a wrapper on every nested object) only cost time:
    a third of a 50-project page."""


# The codes the pages' forms accept, as enums in the document (the forms still decide).
FOLLOW_UP_KINDS = Literal[tuple(FollowUpKind.values)]
CLAIM_STAGES = Literal[
    (*(stage.value for stage in LIFECYCLE[1:]), "supplementary", Stage.ON_HOLD.value, Stage.DROPPED.value)
]


class ErrorOut(Schema):
    code: str = Field(description="稳定的错误代码，例如 token_expired、not_found、stale")
    message: str = Field(description="中文说明，可直接展示给用户")
    fields: dict[str, list[str]] | None = Field(None, description="逐字段的中文说明（输入有误时）")
    current_version: int | None = Field(None, description="412 时：项目的当前版本")


class UnitOut(Schema):
    id: int
    code: str
    name: str
    type: str
    type_label: str
    parent_id: int | None
    depth: int
    active: bool


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    role_label: str
    unit: UnitOut | None
    token_name: str
    token_prefix: str
    scopes: list[str]
    token_expires_at: datetime.datetime


class ProjectRow(Schema):
    id: int
    code: str
    name: str
    version: int
    stage: str
    stage_label: str
    verified_stage: str
    is_key: bool
    total_investment: str | None
    responsible_unit_id: int
    responsible_unit: str
    investor: str | None
    signed_on: datetime.date | None
    started_on: datetime.date | None
    updated_at: datetime.datetime


class ProjectPage(Schema):
    results: list[ProjectRow]
    next: str | None = Field(description="下一页的完整地址；没有下一页时为 null")


class StageEventOut(Schema):
    id: int
    stage: str
    stage_label: str
    date: datetime.date
    amount: str | None
    is_supplementary: bool
    note: str
    status: str
    status_label: str
    submitted_at: datetime.datetime | None
    verified_at: datetime.datetime | None
    return_reason: str


class FollowUpOut(Schema):
    id: int
    date: datetime.date
    kind: str
    kind_label: str
    participants: str
    content: str
    investor_requests: str
    next_step: str
    next_contact_on: datetime.date | None
    created_at: datetime.datetime


class CreditOut(Schema):
    unit_id: int
    unit: str
    percent: str
    reason: str


class AttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    description: str
    stage_event_id: int | None
    follow_up_id: int | None
    uploaded_at: datetime.datetime


class ProjectDetail(ProjectRow):
    description: str
    signing_party: str
    construction_nature: str
    investment_form: str
    industry: str | None
    leading_industry: str
    chain_tag: str
    promotion_method: str
    fixed_asset_investment: str | None
    phase_one_investment: str | None
    foreign_investment_usd: str | None
    land_mu: str | None
    expected_output: str | None
    expected_tax: str | None
    expected_jobs: int | None
    site: str
    landing_unit_id: int | None
    responsible_leader: str
    officer_in_charge: str
    task_team: str
    key_manual: bool
    agreed_start_on: datetime.date | None
    agreed_production_on: datetime.date | None
    registered_on: datetime.date | None
    production_on: datetime.date | None
    remarks: str
    events: list[StageEventOut]
    follow_ups: list[FollowUpOut]
    credits: list[CreditOut]
    attachments: list[AttachmentOut]


class ProjectPatch(Schema):
    """The fields a PATCH may change; any left out stay as they are. Amounts are strings
    of decimals in 万元 ("12000.5"), null to clear."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200)
    description: str | None = None
    signing_party: str | None = Field(None, max_length=200)
    leading_industry: str | None = Field(None, max_length=50)
    chain_tag: str | None = Field(None, max_length=50)
    total_investment: str | None = Field(None, max_length=40)
    fixed_asset_investment: str | None = Field(None, max_length=40)
    phase_one_investment: str | None = Field(None, max_length=40)
    foreign_investment_usd: str | None = Field(None, max_length=40)
    expected_output: str | None = Field(None, max_length=40)
    expected_tax: str | None = Field(None, max_length=40)
    expected_jobs: int | None = Field(None, ge=0, le=10_000_000)
    site: str | None = Field(None, max_length=200)
    responsible_leader: str | None = Field(None, max_length=50)
    officer_in_charge: str | None = Field(None, max_length=50)
    task_team: str | None = Field(None, max_length=300)
    key_manual: bool | None = None
    agreed_start_on: datetime.date | None = None
    agreed_production_on: datetime.date | None = None
    remarks: str | None = None


class FollowUpIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: datetime.date
    kind: FOLLOW_UP_KINDS = Field(
        description="visit 外出拜访、hosted 接待来访、call 电话沟通、meeting 会谈/视频会、site 实地考察、other 其他"
    )
    content: str = Field(min_length=1, max_length=5000)
    participants: str = Field("", max_length=300)
    investor_requests: str = Field("", max_length=5000)
    next_step: str = Field("", max_length=5000)
    next_contact_on: datetime.date | None = None


class StageClaimIn(Schema):
    model_config = ConfigDict(extra="forbid")

    stage: CLAIM_STAGES = Field(
        description="negotiating 在谈、signed 签约、registered 注册、started 开工、production 投产（开工、投产须在页面上传"
        "证明材料）、supplementary 签约（补充协议）、on_hold 暂缓、dropped 退库"
    )
    date: datetime.date
    amount: str | None = Field(None, max_length=40, description="签约金额（万元），仅签约时填写")
    note: str = Field("", max_length=2000)


class TrancheOut(Schema):
    id: int
    project_id: int
    project: str
    date: datetime.date
    amount: str
    kind: str
    amount_usd: str | None
    source: str
    source_region: str
    voucher_no: str
    status: str
    status_label: str


class TranchePage(Schema):
    results: list[TrancheOut]
    next: str | None


class TargetOut(Schema):
    id: int
    year: int
    unit_id: int
    unit: str
    indicator: str
    indicator_label: str
    value: str
    note: str


class WarningOut(Schema):
    id: int
    kind: str
    kind_label: str
    level: str
    level_label: str
    status: str
    project_id: int | None
    unit_id: int
    unit: str
    message: str
    since: datetime.date
    created_at: datetime.datetime
    cleared_at: datetime.datetime | None


class WarningPage(Schema):
    results: list[WarningOut]
    next: str | None


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str


class StatsCell(Schema):
    value: str | None
    target: str | None = None
    completion: str | None = None
    schedule_gap: str | None = None
    last_year: str | None = None
    yoy: str | None = None
    rank: int | None = None
    numerator: str | None = None
    denominator: str | None = None
    change: str | None = None


class StatsRow(Schema):
    unit: str
    unit_name: str
    total: bool
    cells: dict[str, StatsCell]


class StatsPeriod(Schema):
    start: datetime.date
    end: datetime.date
    label: str


class StatsTableOut(Schema):
    title: str
    period: StatsPeriod
    schedule: str | None
    indicators: list[IndicatorOut]
    rows: list[StatsRow]
    ratios: list[IndicatorOut]
    ratio_rows: list[StatsRow]
    rules: list[str] = Field(description="本表所用的统计口径（中文）")
