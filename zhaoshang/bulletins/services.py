"""Bulletin workflows: draft, generate (preview), publish (freeze), compare, delete a draft.

Every figure comes from ``stats.tables.build`` — the function behind the statistics page,
its export and API — so a bulletin's numbers are the statistics table's numbers. Only the
bureau writes; each write is one transaction and lands in the audit log.
"""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.choices import Role, UnitType
from zhaoshang.bulletins import documents
from zhaoshang.bulletins.choices import BulletinKind, BulletinStatus
from zhaoshang.bulletins.honour import rules_for
from zhaoshang.bulletins.models import Bulletin, BulletinSnapshot
from zhaoshang.bulletins.sections import CHINESE_NUMBERS, SECTIONS, BulletinContext, scope_word
from zhaoshang.core.choices import Action
from zhaoshang.core.events import EventType, emit
from zhaoshang.core.jobs import Job, JobFailed, JobKind, JobOutcome, enqueue, pending
from zhaoshang.stats import services as stats
from zhaoshang.stats import tables
from zhaoshang.stats.choices import PROJECT_INDICATORS, TABLE_INDICATORS
from zhaoshang.stats.services import CountingRules, Period

QUARTER_NAMES = "一二三四"


def bulletin_period(kind: str, year: int, month: int) -> Period:
    """1 January to the end of ``month``; a quarterly bulletin ends with a quarter."""
    if kind == BulletinKind.QUARTERLY and month not in (3, 6, 9, 12):
        raise ValidationError("季度通报的截止月份应为3、6、9或12月。")
    if not 1 <= month <= 12:
        raise ValidationError("截止月份应在1—12月之间。")
    return Period.months(year, 1, month)


def default_title(kind: str, year: int, month: int, scope) -> str:
    """全市招商引资工作情况通报（2026年1—10月） / 全市招商引资工作季度通报（2026年第三季度）."""
    word = scope_word(scope)
    if kind == BulletinKind.QUARTERLY:
        return f"{word}招商引资工作季度通报（{year}年第{QUARTER_NAMES[month // 3 - 1]}季度）"
    return f"{word}招商引资工作情况通报（{bulletin_period(kind, year, month).label}）"


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class Generated:
    content: dict  # what every renderer reads (preview, .docx, .xlsx)
    numbers: dict  # every value used, exact strings: what publication freezes
    result: object  # the stats.tables.StatsTable the numbers came from


def generate(bulletin: Bulletin, user) -> Generated:
    """The bulletin's content and numbers from the data as it is now, read as ``user``. A
    month not over yet is read as of today: marked 「截至X月X日」, with that day as the
    cut-off of overdue problems and signed-not-started projects."""
    period = bulletin_period(bulletin.kind, bulletin.year, bulletin.month).so_far(stats.today())
    # The trip counts only for a county's bulletin, the one that says them (sections._trips_text).
    indicators = TABLE_INDICATORS if bulletin.scope.type == UnitType.COUNTY else PROJECT_INDICATORS
    result = tables.build(
        user, year=bulletin.year, first=1, last=bulletin.month, parent=bulletin.scope, indicators=indicators
    )
    context = BulletinContext(
        user=user,
        kind=bulletin.kind,
        period=period,
        scope=bulletin.scope,
        result=result,
        rules=CountingRules.from_settings(),
        numbers={"table": tables.as_data(result)},
        distribution=(bulletin.distribution_unit_type, bulletin.distribution_indicator),
        honour_rules=rules_for(bulletin),
    )
    sections, number = [], 0
    for builder in SECTIONS:
        section = builder(context)
        if section is None:
            continue
        if section.appendix:
            sections.append(section.as_dict("附件"))
        else:
            number += 1
            sections.append(section.as_dict(CHINESE_NUMBERS[number - 1] + "、"))
    content = {
        "title": bulletin.title,
        "issuer": bulletin.issuer,
        "issue_date": bulletin.issue_date.isoformat(),
        "issue_date_text": chinese_date(bulletin.issue_date),
        "kind": bulletin.kind,
        "period_label": period.label + (f"（{period.cutoff_text}）" if period.as_of else ""),
        "as_of": period.as_of.isoformat() if period.as_of else "",
        "scope": bulletin.scope.name,
        "sections": sections,
    }
    return Generated(content, context.numbers, result)


def _require(user, action: str) -> None:
    if not Bulletin.access.allows(user, action):
        raise PermissionDenied("只有招商局可以起草、发布通报。")


@transaction.atomic
def create_draft(user, bulletin: Bulletin) -> Bulletin:
    """Save a new draft (the bureau only); the title defaults to the standard one."""
    _require(user, Action.ADD)
    bulletin_period(bulletin.kind, bulletin.year, bulletin.month)
    today = timezone.localdate()
    if (bulletin.year, bulletin.month) > (today.year, today.month):
        raise ValidationError("不能为尚未开始的月份起草通报。")
    bulletin.title = bulletin.title.strip() or default_title(
        bulletin.kind, bulletin.year, bulletin.month, bulletin.scope
    )
    bulletin.status = BulletinStatus.DRAFT
    bulletin.created_by = user
    bulletin.full_clean()
    bulletin.save()
    return bulletin


def published_twin(bulletin: Bulletin):
    return (
        Bulletin.objects.filter(
            kind=bulletin.kind,
            year=bulletin.year,
            month=bulletin.month,
            scope=bulletin.scope,
            status=BulletinStatus.PUBLISHED,
        )
        .exclude(pk=bulletin.pk)
        .first()
    )


@transaction.atomic
def publish(user, bulletin: Bulletin) -> Bulletin:
    """Freeze the draft: generate it once more, store its numbers, content and files in a
    snapshot that never changes, and mark it published. One published bulletin per kind,
    period and scope."""
    _require(user, Action.CHANGE)
    bulletin = Bulletin.objects.select_for_update().select_related("scope").get(pk=bulletin.pk)
    if bulletin.status != BulletinStatus.DRAFT:
        raise ValidationError("该通报已发布，不能重复发布。")
    twin = published_twin(bulletin)
    if twin is not None:
        raise ValidationError(f"本期通报已于{twin.published_at:%Y-%m-%d}发布（{twin.title}），不能重复发布。")
    generated = generate(bulletin, user)
    docx = documents.render_docx(generated.content)
    xlsx = documents.render_xlsx(generated.content, generated.result)
    snapshot = BulletinSnapshot(
        bulletin=bulletin,
        numbers=generated.numbers,
        content=generated.content,
        docx_sha256=hashlib.sha256(docx).hexdigest(),
        xlsx_sha256=hashlib.sha256(xlsx).hexdigest(),
    )
    snapshot.docx.save("bulletin.docx", ContentFile(docx), save=False)
    snapshot.xlsx.save("bulletin.xlsx", ContentFile(xlsx), save=False)
    snapshot.save()
    bulletin.status = BulletinStatus.PUBLISHED
    bulletin.published_by = user
    bulletin.published_at = timezone.now()
    bulletin.save()
    _announce(user, bulletin)
    emit(EventType.BULLETIN_PUBLISHED, Bulletin, [bulletin])
    return bulletin


def _announce(publisher, bulletin: Bulletin) -> None:
    """Tell those who read the published bulletin: the officers of the units it covers, the
    leaders and the bureau's other staff (each by the channels they chose), and the covered
    unit's group robots."""
    from zhaoshang.accounts.models import User
    from zhaoshang.notifications.choices import NotificationKind
    from zhaoshang.notifications.services import notify

    readers = (
        User.objects.filter(is_active=True)
        .filter(
            Q(role=Role.OFFICER, unit__path__startswith=bulletin.scope.path) | Q(role__in=[Role.LEADER, Role.BUREAU])
        )
        .exclude(pk=publisher.pk)
        .order_by("pk")
    )
    notify(
        readers,
        NotificationKind.BULLETIN,
        f"已发布通报：{bulletin.title}",
        url=reverse("bulletins:detail", args=[bulletin.pk]),
        unit=bulletin.scope,
    )


def enqueue_publish(user, bulletin: Bulletin) -> Job:
    """Publishing generates the bulletin and both files (seconds at province scale): a job
    for the worker. A second click while it waits shows the same job."""
    _require(user, Action.CHANGE)
    return pending(JobKind.BULLETIN, bulletin_id=bulletin.pk) or enqueue(
        JobKind.BULLETIN,
        "zhaoshang.bulletins.services.publish_job",
        title=f"生成并发布通报「{bulletin.title}」",
        user=user,
        unit=bulletin.scope,
        params={"bulletin_id": bulletin.pk},
        back_url=reverse("bulletins:detail", args=[bulletin.pk]),
    )


def publish_job(job: Job, progress, *, bulletin_id: int) -> JobOutcome:
    progress(0, 0, "正在生成通报的数据、Word 和 Excel 文件")
    try:
        publish(job.started_by, Bulletin.objects.get(pk=bulletin_id))
    except (ValidationError, PermissionDenied) as error:
        raise JobFailed("；".join(getattr(error, "messages", [str(error)]))) from None
    return JobOutcome("通报已发布，内容和数据已冻结。", url=reverse("bulletins:detail", args=[bulletin_id]))


@transaction.atomic
def delete_draft(user, bulletin: Bulletin) -> None:
    _require(user, Action.DELETE)
    if bulletin.status != BulletinStatus.DRAFT:
        raise ValidationError("已发布的通报不能删除。")
    bulletin.delete()


# --- What changed since publication -------------------------------------------------------------

FIELDS = [("value", "完成值"), ("target", "目标"), ("last_year", "去年同期"), ("rank", "排名")]


@dataclass(frozen=True)
class Change:
    indicator: str
    unit: str
    item: str
    published: str
    current: str


def _shown(indicator: str, exact) -> str:
    if exact is None:
        return "—"
    if isinstance(exact, int):
        return str(exact)
    return tables.shown_value(indicator, Decimal(exact))


def diff_numbers(published: dict, current: dict) -> list[Change]:
    """Every frozen figure that differs now: table cells (完成值, 目标, 去年同期, 排名) by unit
    and indicator, and list items (entered, left, or changed)."""
    changes = []
    names = {item["code"]: item["name"] for item in published["table"]["indicators"]}
    now_rows = {(row["unit"], row["total"]): row for row in current["table"]["rows"]}
    for row in published["table"]["rows"]:
        other = now_rows.get((row["unit"], row["total"]), {"cells": {}})
        unit = ("合计：" if row["total"] else "") + row["unit_name"]
        for indicator, cell in row["cells"].items():
            now = other["cells"].get(indicator, {})
            for key, label in FIELDS:
                if cell.get(key) != now.get(key):
                    changes.append(
                        Change(
                            names.get(indicator, indicator),
                            unit,
                            label,
                            _shown(indicator, cell.get(key)),
                            _shown(indicator, now.get(key)),
                        )
                    )
    for key in sorted(set(published.get("values", {})) | set(current.get("values", {}))):
        before, after = published.get("values", {}).get(key), current.get("values", {}).get(key)
        if before != after:
            changes.append(Change(VALUE_LABELS.get(key, key), "", "", before or "—", after or "—"))
    lists = set(published.get("lists", {})) | set(current.get("lists", {}))
    for name in sorted(lists):
        before = {item["key"]: item for item in published.get("lists", {}).get(name, [])}
        after = {item["key"]: item for item in current.get("lists", {}).get(name, [])}
        label = LIST_LABELS.get(name) or next(
            (text for prefix, text in LIST_LABEL_PREFIXES.items() if name.startswith(prefix)), name
        )
        for key in [*before, *(k for k in after if k not in before)]:
            old, new = before.get(key), after.get(key)
            item = (old or new)["label"]
            if old is None:
                changes.append(Change(label, new.get("unit", ""), item, "未列入", f"新列入（{new['value']}）"))
            elif new is None:
                changes.append(Change(label, old.get("unit", ""), item, f"列入（{old['value']}）", "已不在名单"))
            elif old != new:
                changes.append(Change(label, new.get("unit", ""), item, old["value"], new["value"]))
    return changes


VALUE_LABELS = {
    "not_started_count": "签约未开工项目数",
    "not_started_total": "签约未开工项目协议总投资（万元）",
    "average_size": "签约项目平均规模（万元/个）",
    "average_size_change": "签约项目平均规模同比",
    "new_funds_share": "当年新引进项目到位资金占比",
    "new_funds_share_change": "当年新引进项目到位资金占比较去年同期（差值）",
}
LIST_LABELS = {"not_started": "签约未开工项目（前10位，万元）"}
LIST_LABEL_PREFIXES = {"distribution_": "年度任务完成情况分布"}


def changes_since_publication(user, bulletin: Bulletin) -> list[Change]:
    """Regenerate a published bulletin's period from today's data and compare its numbers
    with the frozen ones. Read as ``user``; the views offer it to the bureau and leaders,
    who see every unit, so the regenerated table is the whole scope."""
    if not bulletin.is_published:
        raise ValidationError("只有已发布的通报可以与当前数据比较。")
    current = generate(bulletin, user).numbers
    return diff_numbers(bulletin.snapshot.numbers, current)
