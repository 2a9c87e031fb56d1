"""/api/v1/feeds: bulk exports for the data-sharing platform (政务数据共享), streamed.

Projects, tranches and the statistics table as NDJSON (one JSON object a line) or CSV
(UTF-8 with a byte-order mark, so that Excel reads the Chinese). Every row carries its
``id``; rows come in ascending id, so ``after=<the last id received>`` continues a broken
download with exactly the rest. With ``limit`` the answer stops after that many rows and
says where to continue in the ``X-Next-After`` header (and ``Link: rel="next"``); the header
is absent on the last page.

The rows are read in keyset batches (``id > last`` … ``ORDER BY id LIMIT n``, never
OFFSET) and written as they are read, so memory stays flat however many rows a scope
holds. Scoped by ``restrict(user, VIEW)`` as the list pages are; a feed needs the same
read scope as the list endpoint of its rows (``projects:read``, ``funds:read``,
``stats:read``): it is the list, in bulk. Each download is an export in the audit log.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

from django.db.models import Q
from django.http import StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router

from zhaoshang.api import schemas
from zhaoshang.api.services import ApiError, require_business, require_scope
from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditLog

router = Router(tags=["数据集（批量导出）"])

BATCH = 2000  # rows per database read: large enough to amortise the query, small in memory
FORMATS = {"ndjson": "application/x-ndjson; charset=utf-8", "csv": "text/csv; charset=utf-8"}
BOM = "\ufeff"
ERRORS = frozenset({400, 401, 403, 404, 422, 429, 500, 503})


def _documented(summary: str, description: str) -> dict:
    """The operation's OpenAPI entry: a stream in either format, and the API's errors."""
    stream = {"schema": {"type": "string"}}
    return {
        "response": {ERRORS: schemas.ErrorOut},
        "summary": summary,
        "description": description,
        "openapi_extra": {
            "responses": {
                200: {
                    "description": "NDJSON（每行一个 JSON 对象）或 CSV（UTF-8 带 BOM，首行为中文表头）",
                    "headers": {
                        "X-Next-After": {
                            "description": "带 limit 且还有后续行时：下一页的 after 值",
                            "schema": {"type": "string"},
                        }
                    },
                    "content": {"application/x-ndjson": stream, "text/csv": stream},
                }
            }
        },
    }


class Column:
    """One field of a feed row: its key in NDJSON, its header in CSV, how to read it."""

    def __init__(self, key: str, header: str, index: int, convert=None):
        self.key, self.header, self.index, self.convert = key, header, index, convert


def exact(value) -> str | None:
    """A Decimal as its exact digits ("80000", "0.5"), never a float."""
    return None if value is None else format(Decimal(value).normalize(), "f")


def _text(value) -> str:
    """A value as a CSV cell: exact decimals, ISO dates, 是/否."""
    if value is None:
        return ""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def _json_default(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


class Feed:
    """A feed over a model: the fields it reads (``values_list``: no model instances) and
    the keys and Chinese headers it writes, labels beside codes."""

    def __init__(self, name: str, label: str, fields: list[str], columns: list[tuple]):
        self.name, self.label, self.fields = name, label, ["id", *fields]
        self.columns = [Column("id", "ID", 0)]
        for key, header, source, *convert in columns:
            self.columns.append(Column(key, header, self.fields.index(source), convert[0] if convert else None))

    def values(self, row) -> list:
        return [column.convert(row[column.index]) if column.convert else row[column.index] for column in self.columns]

    def batches(self, queryset, after: int, through: int | None):
        """Lists of rows in ascending id, BATCH at a time, each read after the last id seen."""
        last = after
        while True:
            rows = queryset.filter(id__gt=last)
            if through is not None:
                rows = rows.filter(id__lte=through)
            batch = list(rows.order_by("id").values_list(*self.fields)[:BATCH])
            if not batch:
                return
            yield [self.values(row) for row in batch]
            if len(batch) < BATCH:
                return
            last = batch[-1][0]


def _labelled(choices):
    labels = dict(choices)
    return lambda code: labels.get(code, code or "")


def _local():
    """Local time as ISO text; the zone looked up once per feed, not once per row (asking
    for the current zone costs more than the conversion)."""
    zone = timezone.get_current_timezone()
    return lambda moment: moment.astimezone(zone).isoformat(timespec="seconds") if moment else None


def _project_feed() -> Feed:
    from zhaoshang.projects.choices import Stage

    stage_label = _labelled(Stage.choices)
    return Feed(
        "projects",
        "项目",
        [
            "code",
            "name",
            "stage",
            "verified_stage",
            "is_key",
            "total_investment",
            "fixed_asset_investment",
            "foreign_investment_usd",
            "responsible_unit_id",
            "responsible_unit__code",
            "responsible_unit__name",
            "investor__name",
            "investor__uscc",
            "industry__name",
            "leading_industry",
            "signed_on",
            "started_on",
            "production_on",
            "version",
            "updated_at",
        ],
        [
            ("code", "项目编号", "code"),
            ("name", "项目名称", "name"),
            ("stage", "阶段代码", "stage"),
            ("stage_label", "阶段", "stage", stage_label),
            ("verified_stage", "已审核阶段代码", "verified_stage"),
            ("verified_stage_label", "已审核阶段", "verified_stage", stage_label),
            ("is_key", "重点项目", "is_key"),
            ("total_investment", "协议总投资（万元）", "total_investment", exact),
            ("fixed_asset_investment", "固定资产投资（万元）", "fixed_asset_investment", exact),
            ("foreign_investment_usd", "外资（万美元）", "foreign_investment_usd", exact),
            ("responsible_unit_id", "责任单位ID", "responsible_unit_id"),
            ("responsible_unit_code", "责任单位编码", "responsible_unit__code"),
            ("responsible_unit", "责任单位", "responsible_unit__name"),
            ("investor", "投资方", "investor__name"),
            ("investor_uscc", "投资方统一社会信用代码", "investor__uscc"),
            ("industry", "行业", "industry__name"),
            ("leading_industry", "主导产业", "leading_industry"),
            ("signed_on", "签约日期", "signed_on"),
            ("started_on", "开工日期", "started_on"),
            ("production_on", "投产日期", "production_on"),
            ("version", "版本", "version"),
            ("updated_at", "更新时间", "updated_at", _local()),
        ],
    )


def _tranche_feed() -> Feed:
    from zhaoshang.funds.choices import FundsKind, FundsSource
    from zhaoshang.projects.choices import Verification

    return Feed(
        "tranches",
        "到位资金",
        [
            "project_id",
            "project__code",
            "project__name",
            "project__responsible_unit__code",
            "project__responsible_unit__name",
            "date",
            "amount",
            "kind",
            "amount_usd",
            "source",
            "source_region",
            "voucher_no",
            "status",
        ],
        [
            ("project_id", "项目ID", "project_id"),
            ("project_code", "项目编号", "project__code"),
            ("project", "项目名称", "project__name"),
            ("responsible_unit_code", "责任单位编码", "project__responsible_unit__code"),
            ("responsible_unit", "责任单位", "project__responsible_unit__name"),
            ("date", "到位日期", "date"),
            ("amount", "到位金额（万元）", "amount", exact),
            ("kind", "资金类型代码", "kind"),
            ("kind_label", "资金类型", "kind", _labelled(FundsKind.choices)),
            ("amount_usd", "外资金额（万美元）", "amount_usd", exact),
            ("source", "资金来源代码", "source"),
            ("source_label", "资金来源", "source", _labelled(FundsSource.choices)),
            ("source_region", "来源地", "source_region"),
            ("voucher_no", "凭证编号", "voucher_no"),
            ("status", "审核状态代码", "status"),
            ("status_label", "审核状态", "status", _labelled(Verification.choices)),
        ],
    )


# --- Writing -----------------------------------------------------------------------------------


def _ndjson(keys: list[str], batches):
    encode = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode  # one encoder, not one a row
    for batch in batches:
        yield "".join(encode(dict(zip(keys, row, strict=True))) + "\n" for row in batch)


def _csv(headers: list[str], batches):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    yield BOM + buffer.getvalue()
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_text(value) for value in row] for row in batch)
        yield buffer.getvalue()


def stream(request, name: str, keys: list[str], headers: list[str], batches, fmt: str, next_after=None):
    """The streamed answer; ``next_after``: where the next page starts, if there is one."""
    body = _ndjson(keys, batches) if fmt == "ndjson" else _csv(headers, batches)
    response = StreamingHttpResponse((part.encode() for part in body), content_type=FORMATS[fmt])
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    if next_after is not None:
        params = request.GET.copy()
        params["after"] = str(next_after)
        response["X-Next-After"] = str(next_after)
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{params.urlencode()}>; rel="next"'
    return response


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ApiError(422, "invalid", f"不支持的格式「{fmt}」，可用：ndjson、csv。")
    return fmt


def _boundary(queryset, after: int, limit: int | None) -> tuple[int | None, int | None]:
    """With a limit: the last id this page sends and the id the next page starts after
    (None when this page reaches the end). Reads ids only, from the primary key index."""
    if limit is None:
        return None, None
    ids = list(queryset.filter(id__gt=after).order_by("id").values_list("id", flat=True)[limit - 1 : limit + 1])
    if len(ids) < 2:
        return None, None
    return ids[0], ids[0]  # this page ends at that id; the next continues after it


def _record(request, feed_label: str, fmt: str, after: int, extra: str = "") -> None:
    AuditLog.record(
        AuditAction.EXPORT,
        None,
        detail=f"API 数据集导出：{feed_label}（{fmt.upper()}，after={after}{extra}，令牌 {request.auth.prefix}…）",
    )


def _model_feed(request, feed: Feed, queryset, fmt: str, after: int, limit: int | None, extra: str = ""):
    fmt = _format(fmt)
    through, next_after = _boundary(queryset, after, limit)
    _record(request, feed.label, fmt, after, extra)
    keys = [column.key for column in feed.columns]
    headers = [column.header for column in feed.columns]
    return stream(request, feed.name, keys, headers, feed.batches(queryset, after, through), fmt, next_after)


FORMAT = Query("ndjson", description="ndjson（默认）或 csv")
AFTER = Query(0, ge=0, description="从该 id 之后继续（上次收到的最后一行的 id）；不填从头开始")
LIMIT = Query(None, ge=1, le=1_000_000, description="本次最多返回的行数；不填则返回全部")
DATE_FROM = Query(None, description="到位日期自（含），YYYY-MM-DD")
DATE_TO = Query(None, description="到位日期至（含），YYYY-MM-DD")
STATUS = Query(None, description="审核状态代码：submitted、verified、returned；不填为全部")
YEAR = Query(None, ge=2000, le=2100)
MONTH = Query(None, ge=1, le=12)
UNIT = Query(None, ge=1)
INDICATORS = Query(None, description="指标代码，以逗号分隔；不填为全部")


@router.get(
    "/projects",
    **_documented(
        "项目数据集（NDJSON / CSV，按 id 续传）",
        "在库项目（不含已合并的），范围与项目列表相同，按 id 升序。",
    ),
)
def project_feed(request, format: str = FORMAT, after: int = AFTER, limit: int | None = LIMIT):
    from zhaoshang.projects.models import Project

    require_scope(request.auth, "projects")
    require_business(request.user)
    queryset = Project.objects.restrict(request.user).filter(merged_into__isnull=True)
    return _model_feed(request, _project_feed(), queryset, format, after, limit)


@router.get(
    "/tranches",
    **_documented(
        "到位资金数据集（NDJSON / CSV，按 id 续传）",
        "到位资金，范围与到位资金列表相同，可按到位日期限定期间，按 id 升序。",
    ),
)
def tranche_feed(
    request,
    format: str = FORMAT,
    after: int = AFTER,
    limit: int | None = LIMIT,
    date_from: datetime.date | None = DATE_FROM,
    date_to: datetime.date | None = DATE_TO,
    status: str | None = STATUS,
):
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.projects.choices import Verification

    require_scope(request.auth, "funds")
    require_business(request.user)
    if date_from and date_to and date_from > date_to:
        raise ApiError(422, "invalid", "到位日期自不能晚于到位日期至。")
    if status and status not in Verification.values:
        raise ApiError(422, "invalid", f"不支持的审核状态「{status}」，可用：{'、'.join(Verification.values)}。")
    period = Q()
    if date_from:
        period &= Q(date__gte=date_from)
    if date_to:
        period &= Q(date__lte=date_to)
    if status:
        period &= Q(status=status)
    queryset = FundsTranche.objects.restrict(request.user).filter(period)
    extra = f"，{date_from or ''}至{date_to or ''}" if date_from or date_to else ""
    return _model_feed(request, _tranche_feed(), queryset, format, after, limit, extra)


STATS_CELLS = [
    ("value", "完成"),
    ("target", "目标"),
    ("completion", "完成率"),
    ("schedule_gap", "与序时进度差"),
    ("last_year", "上年同期"),
    ("yoy", "同比"),
]


@router.get(
    "/stats",
    **_documented(
        "统计表数据集（NDJSON / CSV，每个单位一行）",
        "与统计表页面同一口径：year、first、last、unit、indicators 与 /stats/table 相同；"
        "每个单位一行，id 为单位 id，合计行 total 为 true。",
    ),
)
def stats_feed(
    request,
    format: str = FORMAT,
    after: int = AFTER,
    year: int | None = YEAR,
    first: int | None = MONTH,
    last: int | None = MONTH,
    unit: int | None = UNIT,
    indicators: str | None = INDICATORS,
):
    """A table is a few hundred rows built in memory by the page's own code (``tables.build``):
    streamed for the same clients, resumable by unit id like the other feeds."""
    from zhaoshang.stats import tables
    from zhaoshang.stats.choices import INDICATOR_UNITS, Indicator
    from zhaoshang.stats.views import _answer

    require_scope(request.auth, "stats")
    require_business(request.user)
    fmt = _format(format)
    _, result, errors = _answer(request)
    if result is None:
        raise ApiError(422, "invalid", "；".join(errors))
    table = tables.as_data(result)
    ids = {row.unit.code: row.unit.pk for row in [*result.table.rows, *result.total.rows]}
    keys = ["id", "unit_code", "unit", "total", "period_start", "period_end", "period"]
    headers = ["ID", "单位编码", "单位", "合计行", "期间自", "期间至", "期间"]
    for indicator in table["indicators"]:
        label = f"{Indicator(indicator['code']).label}（{INDICATOR_UNITS[Indicator(indicator['code'])]}）"
        for cell, cell_label in STATS_CELLS:
            keys.append(f"{indicator['code']}.{cell}")
            headers.append(f"{label}{cell_label}")
    period = table["period"]
    rows, seen = [], set()
    for row in table["rows"]:
        pk = ids[row["unit"]]
        if pk in seen or pk <= after:  # a parent without children is its own 合计 row
            continue
        seen.add(pk)
        values = [pk, row["unit"], row["unit_name"], row["total"], period["start"], period["end"], period["label"]]
        for indicator in table["indicators"]:
            cells = row["cells"][indicator["code"]]
            values.extend(cells[cell] for cell, _ in STATS_CELLS)
        rows.append(values)
    rows.sort(key=lambda values: values[0])
    _record(request, "统计表", fmt, after, f"，{period['label']}")
    return stream(request, "stats", keys, headers, [rows], fmt)
