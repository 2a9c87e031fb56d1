"""The project's one column definition: the list's headers and rows, the chooser, the
.xlsx export of the chosen columns, and the labels and values of the bureau's 台账
(projects/exports.py lays those out in its own grouped form).

Every column declares what it reads (``fields``/``select``) and reads it with a plain
attribute access: the list loads only those fields (``narrow``) for 50 rows a page at
province scale, and the export streams 200,000 rows through the same functions.
"""

from collections.abc import Callable
from html import escape  # Django's escape() is this plus a lazy-string wrapper, slow per cell

from zhaoshang.core.columns import DATE, NUMBER, Column, Columns, shown_text
from zhaoshang.projects.choices import HeadquartersKind, Likelihood, Stage
from zhaoshang.projects.models import Project

# Read once: get_stage_display() normalises the choices on every call (twice a row).
STAGE_LABELS = {stage.value: str(stage.label) for stage in Stage}

# Badges other apps put after a project's name in the list (alerts: its open warnings),
# registered in their AppConfig.ready() so this app imports none of them. A provider takes
# the page's project ids (one query for the page) and returns ``badges(pk) -> html``, every
# value in it escaped.
ROW_BADGES: list[Callable[[list[int]], Callable[[int], str]]] = []


def register_row_badges(provider: Callable[[list[int]], Callable[[int], str]]) -> None:
    if provider not in ROW_BADGES:
        ROW_BADGES.append(provider)


def verification_status(project) -> str:
    """已审核 when the bureau confirmed the stage the unit reports; otherwise how far it did."""
    if not project.verified_stage:
        return "未审核"
    if project.verified_stage == project.stage:
        return "已审核"
    return f"已审核至「{STAGE_LABELS.get(project.verified_stage, project.verified_stage)}」"


def _text(value) -> str:
    return escape(shown_text(value))


def _select_box(project) -> str:
    return f'<input class="form-check-input row-check" type="checkbox" value="{project.pk}" aria-label="选择">'


def _name_cell(project, context) -> str:
    """The name linked to the project's page, 重点, the other apps' badges (ProjectList.decorate
    attaches them), the code under it."""
    key = ' <span class="badge bg-red-lt">重点</span>' if project.is_key else ""
    return (
        f'<a href="{context["row_url"](project)}">{escape(project.name)}</a>{key}{getattr(project, "row_badges", "")}'
        f'<div class="small text-secondary font-monospace">{escape(project.code)}</div>'
    )


def _industry(project) -> str:
    return project.industry.name if project.industry_id else project.industry_text


def _stage_badge(project) -> str:
    label = STAGE_LABELS.get(project.stage, project.stage)
    return f'<span class="badge bg-{project.stage_badge}-lt">{escape(label)}</span>'


def _verified_badge(project) -> str:
    if project.verified_stage:
        label = STAGE_LABELS.get(project.verified_stage, project.verified_stage)
        return f'<span class="badge bg-green-lt">{escape(label)}</span>'
    return '<span class="text-secondary small">未审核</span>'


HQ_LABELS = dict(HeadquartersKind.choices)
LIKELIHOOD_LABELS = dict(Likelihood.choices)

# Unsorted, the list, the kanban and the exports show the latest changed first.
LIST_ORDERING = ("-updated_at", "-id")

PROJECT_COLUMNS = Columns(
    Project,
    Column(
        "select",
        label="选择",
        header='<input class="form-check-input" type="checkbox" data-check-all=".row-check" aria-label="全选">',
        html=_select_box,
        required=True,
        exported=False,
        sort=False,
        css="w-1",
    ),
    Column(
        "name",
        html=_name_cell,
        takes_context=True,
        required=True,
        fields=("name", "code", "is_key"),
        width=32,
    ),
    Column("code", default=False, css="small font-monospace", width=18),
    Column(
        "unit",
        label="责任单位",
        value=lambda project: project.responsible_unit.name,
        select=("responsible_unit",),
        fields=("responsible_unit__name",),
        sort="responsible_unit__path",
        required=True,
        width=16,
    ),
    Column(
        "investor",
        label="投资方",
        value=lambda project: project.investor.name if project.investor_id else None,
        select=("investor",),
        fields=("investor__name",),
        css="small",
        width=30,
    ),
    Column(
        "uscc",
        label="统一社会信用代码",
        value=lambda project: project.investor.uscc if project.investor_id else None,
        select=("investor",),
        fields=("investor__uscc",),
        default=False,
        css="small font-monospace",
        width=22,
    ),
    Column(
        "industry",
        label="所属行业",
        value=_industry,
        select=("industry",),
        fields=("industry__name", "industry_text"),
        default=False,
        css="small",
        width=20,
    ),
    Column(
        "leading_industry",
        value=lambda project: project.leading_industry,
        fields=("leading_industry",),
        default=False,
        css="small",
    ),
    Column(
        "amount",
        label="协议总投资",
        sheet_label="协议总投资（万元）",
        value=lambda project: project.total_investment,
        kind=NUMBER,
        fields=("total_investment",),
        sort="total_investment",
        required=True,
        css="text-end money",
        width=16,
    ),
    Column(
        "fixed_asset_investment",
        label="固定资产投资",
        sheet_label="固定资产投资（万元）",
        value=lambda project: project.fixed_asset_investment,
        kind=NUMBER,
        fields=("fixed_asset_investment",),
        sort="fixed_asset_investment",
        default=False,
        width=16,
    ),
    Column(
        "stage",
        label="阶段",
        sheet_label="当前阶段（填报）",
        value=lambda project: STAGE_LABELS.get(project.stage, project.stage),
        html=_stage_badge,
        fields=("stage",),
        sort="stage",
        required=True,
        width=12,
    ),
    Column(
        "verification",
        label="已审核",
        sheet_label="审核状态",
        value=verification_status,
        html=_verified_badge,
        fields=("stage", "verified_stage"),
        width=14,
    ),
    Column(
        "signed_on",
        sheet_label="签约时间",
        value=lambda project: project.signed_on,
        kind=DATE,
        fields=("signed_on",),
        sort="signed_on",
        css="text-nowrap",
    ),
    Column(
        "started_on",
        sheet_label="开工时间",
        value=lambda project: project.started_on,
        kind=DATE,
        fields=("started_on",),
        sort="started_on",
        default=False,
        css="text-nowrap",
    ),
    Column(
        "leader",
        label="责任领导",
        value=lambda project: project.responsible_leader,
        fields=("responsible_leader",),
        default=False,
        width=10,
    ),
    Column(
        "headquarters_kind",
        value=lambda project: HQ_LABELS.get(project.headquarters_kind) or None,
        fields=("headquarters_kind",),
        default=False,
        css="small",
        width=12,
    ),
    Column(
        "landing_likelihood",
        value=lambda project: LIKELIHOOD_LABELS.get(project.landing_likelihood) or None,
        fields=("landing_likelihood",),
        default=False,
        width=10,
    ),
    Column(
        "competitor_regions",
        value=lambda project: project.competitor_regions or None,
        fields=("competitor_regions",),
        default=False,
        css="small",
        width=16,
    ),
    Column("remarks", value=lambda project: project.remarks, fields=("remarks",), default=False),
    narrow=True,
)
