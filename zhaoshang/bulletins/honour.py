"""红黑榜: the top and bottom units a bulletin names, by the bureau's rules (``HonourRule``).

Counting rule (docs/counting-rules.md, 红黑榜):

- **Who**: the active units of the rule's type below the bulletin's scope that the reader
  may see (as the distribution sentence takes them).
- **By completion**: each unit's annual completion of the indicator (the engine's
  ``Cell.completion``), ranked by the percentage **as shown** (one decimal, half-up); a unit
  with no target has no rate and is not ranked.
- **By basic work**: over the bulletin's last month (a quarterly bulletin: its quarter) up to
  its cut-off, each chosen check gives the unit a rate — 调度按时报送: reports submitted on
  time ÷ reports due (rounds whose deadline falls in the window, the unit and those below
  it; no report due: the check does not apply); 台账按期更新: 100 when one of its live
  projects was updated, or an import batch of the unit committed, in the window, else 0.
  The score is the mean of the checks that apply, ranked as shown (one decimal); a unit to
  which no check applies is not ranked.
- **Ties share a rank** (the engine's ``rank_desc``: 1, 2, 2, 4). 红榜 are the units ranked
  ≤ N from the top, 黑榜 those ranked ≤ N from the bottom; a tie on the boundary takes in
  every unit of that rank, so a list may be longer than N. A unit on the 红榜 is never also
  on the 黑榜 (with few units the 黑榜 is what remains).

The text: 「{榜单名称}：红榜：甲（112.0%）、乙（98.5%）；黑榜：丙（12.0%）。」 An empty side
reads 「无」. The ranked units are a table for the .xlsx (in the Word file they are the text)
and are frozen at publication (``numbers.lists.honour_<rule id>``).
"""

import datetime
import importlib
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps

from zhaoshang.bulletins.choices import BasicWorkCheck, BulletinKind, HonourMeasure
from zhaoshang.bulletins.sections import PHRASES, UNIT_WORDS, BulletinContext, Section, paragraph, table
from zhaoshang.core.numbers import percent
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.services import rank_desc, unit_table

HUNDRED = Decimal(100)


@dataclass
class Ranked:
    unit: object
    score: Decimal  # as shown: one decimal
    figure: str  # what the text says in brackets
    rank: int = 0
    side: str = ""  # 红榜 / 黑榜 / ""


def rules_for(bulletin) -> list:
    """The bulletin's own rules, else those of its kind (blank kind: every kind)."""
    from django.db.models import Q

    from zhaoshang.bulletins.models import HonourRule

    own = list(HonourRule.objects.filter(bulletin=bulletin)) if bulletin.pk else []
    if own:
        return own
    return list(
        HonourRule.objects.filter(bulletin__isnull=True).filter(Q(bulletin_kind="") | Q(bulletin_kind=bulletin.kind))
    )


def window(ctx: BulletinContext) -> tuple[datetime.date, datetime.date]:
    """The bulletin's last month (quarterly: its quarter) up to its cut-off."""
    months = 3 if ctx.kind == BulletinKind.QUARTERLY else 1
    start = datetime.date(ctx.cutoff.year, max(ctx.cutoff.month - months + 1, 1), 1)
    return start, ctx.cutoff


def _units(ctx: BulletinContext, unit_type: str) -> list:
    from zhaoshang.accounts.models import Unit

    return list(
        Unit.objects.restrict(ctx.user)
        .filter(path__startswith=ctx.scope.path, type=unit_type, active=True)
        .exclude(pk=ctx.scope.pk)
        .order_by("path")
    )


def by_completion(ctx: BulletinContext, units: list, indicator: str) -> list[Ranked]:
    rows = unit_table(units, [indicator], ctx.result.table.period, ctx.rules, within=ctx.scope).rows
    ranked = []
    for row in rows:
        completion = row.cells[indicator].completion
        if completion is not None:
            shown = percent(completion)
            ranked.append(Ranked(row.unit, shown, f"{shown}%"))
    return ranked


def _reports_on_time(units, start, end) -> dict[int, tuple[int, int]] | None:
    """Asked of the scheduling app (above this one), as the 调度 section is: None while the
    app is not installed."""
    if not apps.is_installed("zhaoshang.scheduling"):
        return None
    return importlib.import_module("zhaoshang.scheduling.bulletin").reports_on_time(units, start, end)


def _ledgers_updated(units, start, end) -> set[int]:
    from zhaoshang.imports.models import ImportBatch
    from zhaoshang.projects.models import Project

    def day_range(field):
        return {f"{field}__date__gte": start, f"{field}__date__lte": end}

    paths = set(
        Project.objects.filter(merged_into__isnull=True, **day_range("updated_at")).values_list(
            "responsible_unit__path", flat=True
        )
    )
    paths |= set(
        ImportBatch.objects.filter(committed_at__isnull=False, **day_range("committed_at")).values_list(
            "unit__path", flat=True
        )
    )
    return {unit.pk for unit in units if any(path.startswith(unit.path) for path in paths)}


def by_basic_work(ctx: BulletinContext, units: list, checks: list[str]) -> list[Ranked]:
    start, end = window(ctx)
    reports = _reports_on_time(units, start, end) if BasicWorkCheck.REPORTS_ON_TIME in checks else None
    updated = _ledgers_updated(units, start, end) if BasicWorkCheck.LEDGER_UPDATED in checks else None
    ranked = []
    for unit in units:
        rates, words = [], []
        if reports is not None and reports[unit.pk][1]:
            on_time, due = reports[unit.pk]
            rates.append(HUNDRED * on_time / due)
            words.append(f"按时报送{on_time}/{due}")
        if updated is not None:
            rates.append(HUNDRED if unit.pk in updated else Decimal(0))
            words.append("台账已更新" if unit.pk in updated else "台账未更新")
        if rates:
            score = percent(sum(rates, Decimal(0)) / len(rates) / HUNDRED)
            ranked.append(Ranked(unit, score, f"{score}分，" + "，".join(words)))
    return ranked


def sides(ranked: list[Ranked], top_n: int, bottom_n: int) -> tuple[list[Ranked], list[Ranked]]:
    """(红榜 best first, 黑榜 worst first), ties sharing a rank (``rank_desc``)."""
    ranks = rank_desc({item.unit.pk: item.score for item in ranked})
    from_bottom = rank_desc({item.unit.pk: -item.score for item in ranked})
    for item in ranked:
        item.rank = ranks[item.unit.pk]
    order = sorted(ranked, key=lambda item: (item.rank, item.unit.path))
    red = [item for item in order if item.rank <= top_n]
    black = [item for item in reversed(order) if from_bottom[item.unit.pk] <= bottom_n and item not in red]
    black.sort(key=lambda item: (from_bottom[item.unit.pk], item.unit.path))
    for item in red:
        item.side = "红榜"
    for item in black:
        item.side = "黑榜"
    return red, black


def _names(items: list[Ranked]) -> str:
    return "、".join(f"{item.unit.name}（{item.figure}）" for item in items) or "无"


def honour_lists(ctx: BulletinContext) -> Section | None:
    """红黑榜: one paragraph per rule, and the ranked units as an .xlsx sheet. None (no
    section) when the bulletin has no rule."""
    if not ctx.honour_rules:
        return None
    section = Section("honour", "红黑榜", empty_text="本期无参与红黑榜排名的单位。")
    rows = []
    for rule in ctx.honour_rules:
        units = _units(ctx, rule.unit_type)
        if rule.measure == HonourMeasure.COMPLETION:
            ranked = by_completion(ctx, units, rule.indicator)
            basis = f"{PHRASES.get(rule.indicator, Indicator(rule.indicator).label)}年度目标完成率"
        else:
            ranked = by_basic_work(ctx, units, rule.checks)
            basis = "基础工作（" + "、".join(BasicWorkCheck(check).label for check in rule.checks) + "）"
        red, black = sides(ranked, rule.top_n, rule.bottom_n)
        ctx.record(
            f"honour_{rule.pk}",
            [
                {"key": item.unit.code, "label": item.unit.name, "unit": item.side, "value": format(item.score, "f")}
                for item in [*red, *black]
            ],
        )
        if not ranked:
            section.blocks.append(paragraph(f"{rule.name}：本期无参与排名的{UNIT_WORDS[rule.unit_type]}。"))
            continue
        text = f"{rule.name}：红榜：{_names(red)}；黑榜：{_names(black)}。"
        section.blocks.append(paragraph(text, title=f"按{basis}排名，并列者名次相同。"))
        for item in sorted(ranked, key=lambda item: (item.rank, item.unit.path)):
            rows.append([rule.name, str(item.rank), item.unit.name, item.figure, item.side or "—"])
    if rows:
        header = [[(text, 1, 1) for text in ("榜单", "名次", "单位", "得分/完成率", "上榜")]]
        section.blocks.append(table("红黑榜排名", header, rows, sheet="红黑榜", in_word=False))
    return section
