"""Assessment (考核): scoring units under a scheme, the bureau's entries, publishing.

How a unit's score is made (the rule shown on every scores page):

- Each indicator: value, target and completion come from the statistics engine
  (``stats.services.unit_table``: value of the period ÷ the ANNUAL target, the period
  being 1—N月 or the whole year); points = min(completion, cap) × weight, rounded half-up
  to 0.01. No target (or a zero target) gives no completion and 0 points, flagged.
- Each bonus/deduction rule: the projects or records its evaluator finds
  (``rules.REGISTRY``), count × points per item, at most ``max_points``.
- Adjustments: the bureau's signed points, each with a reason.
- Total = indicator points + bonuses − deductions + adjustments (sum of the rounded
  lines, so the printed lines add up to the printed total).
- 一票否决: the unit is ranked after every unit without a veto; by the scheme's setting
  its total is 0 (``VetoMode.ZERO``, default) or kept as computed (``VetoMode.LAST``).
- Rank: descending, ties share a rank (``stats.services.rank_desc``).

Published results store every number above (``to_data``) and never change.
"""

import datetime
import re
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhaoshang.assessment.choices import YEAR_KEY, EntryKind, RuleKind, UnitSelection, VetoMode
from zhaoshang.assessment.models import AssessmentResult, AssessmentScheme, ManualEntry, SchemeIndicator, SchemeRule
from zhaoshang.assessment.rules import (
    DEFAULT_BIG_THRESHOLD_WAN,
    DEFAULT_FLAG,
    Context,
    Item,
    describe_rule,
    entries_in,
    spec_for,
)
from zhaoshang.core.choices import Action
from zhaoshang.core.models import json_safe
from zhaoshang.core.numbers import round_half_up
from zhaoshang.stats.choices import INDICATOR_UNITS, Indicator
from zhaoshang.stats.services import CountingRules, Period, rank_desc, unit_table

ZERO = Decimal(0)
CENT = 2  # points are shown and added to 0.01


# --- Periods -------------------------------------------------------------------------------------


def scheme_period(scheme: AssessmentScheme, key: str) -> Period:
    """``m7`` → 1—7月 of the scheme's year (year to date); ``year`` → the whole year."""
    if key == YEAR_KEY:
        period = Period.year(scheme.year)
        return Period(period.start, period.end, f"{scheme.year}年全年")
    match = re.fullmatch(r"m(\d{1,2})", key or "")
    if not match or not 1 <= int(match.group(1)) <= 12:
        raise ValueError(f"未知的考核期「{key}」。")
    return Period.months(scheme.year, 1, int(match.group(1)))


def default_period_key(scheme: AssessmentScheme, today: datetime.date | None = None) -> str:
    """This year: 1 to the last complete month; a past year: the whole year."""
    today = today or timezone.localdate()
    if scheme.year < today.year:
        return YEAR_KEY
    if scheme.year > today.year:
        return "m1"
    return f"m{max(1, today.month - 1)}"


# --- Scores --------------------------------------------------------------------------------------


@dataclass
class IndicatorLine:
    indicator: str
    label: str
    word: str  # 个 / 万元 / 万美元
    weight: Decimal
    value: Decimal
    target: Decimal | None
    completion: Decimal | None  # value ÷ annual target
    capped: Decimal | None  # min(completion, cap)
    points: Decimal
    schedule_gap: Decimal | None  # completion − 序时进度


@dataclass
class RuleLine:
    rule_id: int
    kind: str
    label: str
    sign: int  # +1 bonus, −1 deduction
    per_item: Decimal
    max_points: Decimal | None
    count: int
    raw: Decimal  # count × per_item, before the maximum, unsigned
    points: Decimal  # signed, after the maximum
    wired: bool
    items: list[Item] = field(default_factory=list)


@dataclass
class EntryLine:
    entry_id: int
    kind: str
    date: datetime.date
    reason: str
    evidence: str
    points: Decimal | None
    project_id: int | None
    project_name: str


@dataclass
class UnitScore:
    unit_id: int
    unit_code: str
    unit_name: str
    indicators: list[IndicatorLine]
    rules: list[RuleLine]
    adjustments: list[EntryLine]
    vetoes: list[EntryLine]
    indicator_points: Decimal
    bonus_points: Decimal
    deduction_points: Decimal  # ≤ 0
    adjustment_points: Decimal
    computed_total: Decimal  # before a veto
    total: Decimal
    vetoed: bool
    rank: int | None = None


@dataclass
class Scores:
    scheme_id: int
    scheme_name: str
    year: int
    period_key: str
    period_label: str
    start: datetime.date
    end: datetime.date
    as_of: datetime.date  # the date deductions were judged at
    schedule: Decimal  # 序时进度
    cap: Decimal
    veto_mode: str
    total_points: Decimal
    counting_rules: str
    units: list[UnitScore]

    def unit(self, unit_id: int) -> UnitScore | None:
        return next((unit for unit in self.units if unit.unit_id == unit_id), None)


def _entry_line(entry) -> EntryLine:
    return EntryLine(
        entry_id=entry.pk,
        kind=entry.kind,
        date=entry.date,
        reason=entry.reason,
        evidence=entry.evidence,
        points=entry.points,
        project_id=entry.project_id,
        project_name=entry.project.name if entry.project_id else "",
    )


def _entries_by_unit(context: Context, kind: str) -> dict[int, list[EntryLine]]:
    found: dict[int, list[EntryLine]] = {}
    for entry in entries_in(context, kind):
        for unit_id in context.credit(entry.unit_id):
            found.setdefault(unit_id, []).append(_entry_line(entry))
    return found


def _indicator_line(weight: SchemeIndicator, cell, cap: Decimal) -> IndicatorLine:
    indicator = Indicator(weight.indicator)
    capped = None if cell.completion is None else min(cell.completion, cap)
    points = ZERO if capped is None else round_half_up(capped * weight.weight, CENT)
    return IndicatorLine(
        indicator=indicator.value,
        label=indicator.label,
        word=INDICATOR_UNITS[indicator],
        weight=weight.weight,
        value=cell.value,
        target=cell.target,
        completion=cell.completion,
        capped=capped,
        points=points,
        schedule_gap=cell.schedule_gap,
    )


def _rule_line(rule: SchemeRule, items: list[Item]) -> RuleLine:
    spec = spec_for(rule.kind)
    raw = rule.points * len(items)
    applied = min(raw, rule.max_points) if rule.max_points is not None else raw
    return RuleLine(
        rule_id=rule.pk,
        kind=rule.kind,
        label=describe_rule(rule),
        sign=spec.sign,
        per_item=rule.points,
        max_points=rule.max_points,
        count=len(items),
        raw=raw,
        points=spec.sign * applied,
        wired=spec.wired,
        items=items,
    )


def compute_scores(
    scheme: AssessmentScheme,
    period_key: str,
    *,
    rules: CountingRules | None = None,
    today: datetime.date | None = None,
) -> Scores:
    """Every assessed unit's score for the period, with the full breakdown and ranks."""
    from zhaoshang.accounts.models import Unit

    period = scheme_period(scheme, period_key)
    rules = rules or CountingRules.from_settings()
    as_of = min(period.end, today or timezone.localdate())
    units = scheme.assessed_units()
    weights = list(scheme.indicators.all())
    scheme_rules = list(scheme.rules.all())
    table = unit_table(units, [weight.indicator for weight in weights], period, rules)
    cells = {row.unit.pk: row.cells for row in table.rows}
    context = Context(scheme, period, rules, units, as_of, dict(Unit._base_manager.values_list("pk", "path")))
    found = {rule.pk: spec_for(rule.kind).evaluate(rule, context) for rule in scheme_rules}
    adjustments = _entries_by_unit(context, EntryKind.ADJUSTMENT)
    vetoes = _entries_by_unit(context, EntryKind.VETO)
    scores = []
    for unit in units:
        lines = [_indicator_line(weight, cells[unit.pk][weight.indicator], scheme.cap) for weight in weights]
        rule_lines = [_rule_line(rule, found[rule.pk].get(unit.pk, [])) for rule in scheme_rules]
        own_adjustments = adjustments.get(unit.pk, [])
        indicator_points = sum((line.points for line in lines), ZERO)
        bonus = sum((line.points for line in rule_lines if line.sign > 0), ZERO)
        deduction = sum((line.points for line in rule_lines if line.sign < 0), ZERO)
        adjustment = sum((entry.points or ZERO for entry in own_adjustments), ZERO)
        computed = indicator_points + bonus + deduction + adjustment
        vetoed = bool(vetoes.get(unit.pk))
        scores.append(
            UnitScore(
                unit_id=unit.pk,
                unit_code=unit.code,
                unit_name=unit.name,
                indicators=lines,
                rules=rule_lines,
                adjustments=own_adjustments,
                vetoes=vetoes.get(unit.pk, []),
                indicator_points=indicator_points,
                bonus_points=bonus,
                deduction_points=deduction,
                adjustment_points=adjustment,
                computed_total=computed,
                total=ZERO if vetoed and scheme.veto_mode == VetoMode.ZERO else computed,
                vetoed=vetoed,
            )
        )
    _rank(scores)
    order = {unit.pk: index for index, unit in enumerate(units)}
    scores.sort(key=lambda score: (score.rank, order[score.unit_id]))
    return Scores(
        scheme_id=scheme.pk,
        scheme_name=scheme.name,
        year=scheme.year,
        period_key=period_key,
        period_label=period.label,
        start=period.start,
        end=period.end,
        as_of=as_of,
        schedule=period.schedule,
        cap=scheme.cap,
        veto_mode=scheme.veto_mode,
        total_points=scheme.total_points,
        counting_rules=rules.describe(),
        units=scores,
    )


def _rank(scores: list[UnitScore]) -> None:
    """Shared descending ranks; every vetoed unit after every unit without a veto."""
    clear = rank_desc({score.unit_id: score.total for score in scores if not score.vetoed})
    vetoed = rank_desc({score.unit_id: score.total for score in scores if score.vetoed})
    for score in scores:
        score.rank = vetoed[score.unit_id] + len(clear) if score.vetoed else clear[score.unit_id]


# --- Snapshots: exact strings in, the same dataclasses out ----------------------------------------

_DECIMALS = {
    "weight",
    "value",
    "target",
    "completion",
    "capped",
    "points",
    "schedule_gap",
    "per_item",
    "max_points",
    "raw",
    "amount",
    "indicator_points",
    "bonus_points",
    "deduction_points",
    "adjustment_points",
    "computed_total",
    "total",
    "schedule",
    "cap",
    "total_points",
}
_DATES = {"date", "start", "end", "as_of"}
_NESTED = {
    "units": UnitScore,
    "indicators": IndicatorLine,
    "rules": RuleLine,
    "items": Item,
    "adjustments": EntryLine,
    "vetoes": EntryLine,
}


def to_data(scores: Scores) -> dict:
    """The scores as JSON: every decimal an exact string, every date ISO."""
    return json_safe(asdict(scores))


def from_data(data: dict, cls=Scores):
    """``to_data`` read back into the dataclasses, decimals exact."""
    values = {}
    for item in fields(cls):
        raw = data.get(item.name)
        if item.name in _NESTED:
            values[item.name] = [from_data(part, _NESTED[item.name]) for part in raw or []]
        elif raw is None:
            values[item.name] = None
        elif item.name in _DECIMALS:
            values[item.name] = Decimal(raw)
        elif item.name in _DATES:
            values[item.name] = datetime.date.fromisoformat(raw)
        else:
            values[item.name] = raw
    return cls(**values)


@dataclass
class Difference:
    unit_name: str
    what: str
    published: str
    now: str


def _shown(value) -> str:
    if value is None:
        return "—"
    try:
        return f"{Decimal(value).normalize():f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


def _flat(unit: UnitScore) -> dict[str, str]:
    """A unit's score as labelled numbers, for comparing a snapshot with today."""
    shown = {"总分": _shown(unit.total), "排名": _shown(unit.rank), "一票否决": "是" if unit.vetoed else "否"}
    for line in unit.indicators:
        shown[f"{line.label}完成值"] = _shown(line.value)
        shown[f"{line.label}目标"] = _shown(line.target)
        shown[f"{line.label}得分"] = _shown(line.points)
    for line in unit.rules:
        shown[f"{line.label}：个数"] = _shown(line.count)
        shown[f"{line.label}：得分"] = _shown(line.points)
    shown["加减分调整"] = _shown(unit.adjustment_points)
    return shown


def differences(published: Scores, now: Scores) -> list[Difference]:
    """What recomputing the published period gives differently today, unit by unit."""
    found = []
    current = {unit.unit_id: unit for unit in now.units}
    for unit in published.units:
        again = current.pop(unit.unit_id, None)
        if again is None:
            found.append(Difference(unit.unit_name, "被考核单位", "是", "否"))
            continue
        before, after = _flat(unit), _flat(again)
        for key in before.keys() | after.keys():
            if before.get(key) != after.get(key):
                found.append(Difference(unit.unit_name, key, before.get(key, "—"), after.get(key, "—")))
    for unit in current.values():
        found.append(Difference(unit.unit_name, "被考核单位", "否", "是"))
    order = {unit.unit_id: index for index, unit in enumerate(published.units)}
    names = {unit.unit_name: order.get(unit.unit_id, 10**6) for unit in published.units + now.units}
    return sorted(found, key=lambda difference: (names.get(difference.unit_name, 0), difference.what))


def result_scores(result: AssessmentResult) -> Scores:
    return from_data(result.data)


# --- Writes: schemes ------------------------------------------------------------------------------


def _require_bureau(user) -> None:
    if not AssessmentScheme.access.allows(user, Action.CHANGE):
        raise PermissionDenied("考核方案和考核结果由招商局设置和发布。")


@dataclass
class RuleInput:
    kind: str
    points: Decimal
    max_points: Decimal | None = None
    threshold_wan: Decimal | None = None
    flag: str = ""


def validate_scheme(scheme: AssessmentScheme, indicators: list[tuple[str, Decimal]], rules: list[RuleInput]) -> None:
    """Every problem at once, keyed by field, in Chinese."""
    from zhaoshang.accounts.models import Unit

    problems: dict[str, list[str]] = {}

    def problem(key: str, message: str) -> None:
        problems.setdefault(key, []).append(message)

    if not (scheme.name or "").strip():
        problem("name", "请填写方案名称。")
    if not scheme.year or not 2000 <= scheme.year <= 2100:
        problem("year", "考核年度应在 2000—2100 年之间。")
    elif (
        AssessmentScheme.objects.filter(year=scheme.year, name=(scheme.name or "").strip())
        .exclude(pk=scheme.pk)
        .exists()
    ):
        problem("name", f"{scheme.year}年已有同名考核方案。")
    if scheme.total_points is None or scheme.total_points <= 0:
        problem("total_points", "指标总分须大于 0。")
    if scheme.cap_percent is None or scheme.cap_percent <= 0:
        problem("cap_percent", "完成率封顶须大于 0%（默认 100%）。")
    if scheme.parent_id is None:
        problem("parent", "请选择考核范围。")
    else:
        if scheme.selection == UnitSelection.TYPE and not scheme.unit_types:
            problem("unit_types", "按类型选择被考核单位时，请至少勾选一种单位类型。")
        if scheme.selection == UnitSelection.CHOSEN:
            chosen = set(scheme.chosen_units or [])
            inside = Unit.objects.filter(pk__in=chosen, path__startswith=scheme.parent.path).exclude(
                pk=scheme.parent_id
            )
            if not chosen:
                problem("chosen_units", "请至少指定一个被考核单位。")
            elif inside.count() != len(chosen):
                problem("chosen_units", f"指定的单位须在「{scheme.parent.name}」之下。")
        if not problems.get("unit_types") and not problems.get("chosen_units") and not scheme.assessed_units():
            problem("selection", "按所选范围找不到被考核单位。")
    seen = set()
    for code, weight in indicators:
        if code not in Indicator.values:
            problem("indicators", f"未知指标「{code}」。")
            continue
        label = Indicator(code).label
        if code in seen:
            problem("indicators", f"指标「{label}」重复。")
        seen.add(code)
        if weight is None or weight <= 0:
            problem("indicators", f"指标「{label}」的分值须大于 0。")
    if not indicators:
        problem("indicators", "请至少设置一个考核指标。")
    total = sum((weight for _, weight in indicators if weight is not None), ZERO)
    if indicators and scheme.total_points and total != scheme.total_points:
        problem(
            "indicators",
            f"各指标分值合计 {total.normalize():f} 分，应等于指标总分 {scheme.total_points.normalize():f} 分"
            f"（相差 {(scheme.total_points - total).normalize():f} 分）。",
        )
    for rule in rules:
        if rule.kind not in RuleKind.values:
            problem("rules", f"未知的加减分项「{rule.kind}」。")
            continue
        label = RuleKind(rule.kind).label
        if rule.points is None or rule.points <= 0:
            problem("rules", f"「{label}」的每项分值须大于 0（加分或扣分由类型决定）。")
        if rule.max_points is not None and rule.max_points <= 0:
            problem("rules", f"「{label}」的最多计分须大于 0，不设上限请留空。")
        if rule.threshold_wan is not None and rule.threshold_wan <= 0:
            problem("rules", f"「{label}」的金额标准须大于 0。")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def save_scheme(
    user,
    scheme: AssessmentScheme,
    indicators: list[tuple[str, Decimal]],
    rules: list[RuleInput],
    *,
    expected_version: int | None = None,
) -> AssessmentScheme:
    """Create or change a scheme with its indicators and rules, all or nothing. Raises
    StaleEditError when someone saved the scheme since ``expected_version``."""
    _require_bureau(user)
    scheme.name = (scheme.name or "").strip()
    if scheme.selection != UnitSelection.TYPE:
        scheme.unit_types = []
    if scheme.selection != UnitSelection.CHOSEN:
        scheme.chosen_units = []
    scheme.chosen_units = sorted({int(pk) for pk in scheme.chosen_units or []})
    validate_scheme(scheme, indicators, rules)
    if scheme.pk is None:
        scheme.created_by = user
        scheme.save()
    else:
        scheme.save_versioned(expected_version if expected_version is not None else scheme.version)
    _sync_indicators(scheme, indicators)
    _sync_rules(scheme, rules)
    return scheme


def _sync_indicators(scheme: AssessmentScheme, indicators: list[tuple[str, Decimal]]) -> None:
    existing = {row.indicator: row for row in scheme.indicators.all()}
    for position, (code, weight) in enumerate(indicators):
        row = existing.pop(code, None) or SchemeIndicator(scheme=scheme, indicator=code)
        if row.pk is None or row.weight != weight or row.position != position:
            row.weight, row.position = weight, position
            row.save()
    for row in existing.values():
        row.delete()


def _sync_rules(scheme: AssessmentScheme, rules: list[RuleInput]) -> None:
    existing = list(scheme.rules.all())
    for position, wanted in enumerate(rules):
        row = existing.pop(0) if existing else SchemeRule(scheme=scheme)
        threshold = wanted.threshold_wan
        if wanted.kind == RuleKind.BIG_PROJECT and threshold is None:
            threshold = DEFAULT_BIG_THRESHOLD_WAN
        flag = (wanted.flag or DEFAULT_FLAG) if wanted.kind == RuleKind.INVESTOR_FLAG else ""
        values = {
            "kind": wanted.kind,
            "points": wanted.points,
            "max_points": wanted.max_points,
            "threshold_wan": threshold if wanted.kind == RuleKind.BIG_PROJECT else None,
            "flag": flag,
            "position": position,
        }
        if row.pk is None or any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
    for row in existing:
        row.delete()


# --- Writes: the bureau's entries -----------------------------------------------------------------


def validate_entry(entry: ManualEntry) -> None:
    scheme = entry.scheme
    problems: dict[str, str] = {}
    if not (entry.reason or "").strip():
        problems["reason"] = "请写明事由。"
    if entry.date is None:
        problems["date"] = "请填写认定日期。"
    elif entry.date.year != scheme.year:
        problems["date"] = f"认定日期应在考核年度 {scheme.year} 年内。"
    if entry.unit_id is None:
        problems["unit"] = "请选择单位。"
    else:
        assessed = scheme.assessed_units()
        if not any(entry.unit.is_within(unit) for unit in assessed):
            problems["unit"] = f"「{entry.unit.name}」不在本方案的被考核单位（或其下级）之中。"
    if entry.kind == EntryKind.ADJUSTMENT:
        if entry.points is None or entry.points == 0:
            problems["points"] = "加减分调整须填写分值：加分为正数，扣分为负数。"
        elif abs(entry.points) > scheme.total_points:
            problems["points"] = f"调整分值不能超过指标总分 {scheme.total_points.normalize():f} 分。"
    elif entry.kind == EntryKind.FALSIFIED and not scheme.rules.filter(kind=RuleKind.FALSIFIED).exists():
        problems["kind"] = "本方案没有设置「查实弄虚作假」扣分项，请先在方案中添加，或改用加减分调整。"
    elif entry.kind not in EntryKind.values:
        problems["kind"] = "请选择类型。"
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def save_entry(user, entry: ManualEntry, *, expected_version: int | None = None) -> ManualEntry:
    """Record or correct a falsified record, a veto or an adjustment (the bureau only)."""
    _require_bureau(user)
    entry.reason = (entry.reason or "").strip()
    if entry.kind != EntryKind.ADJUSTMENT:
        entry.points = None  # the scheme's rule or the veto decides, not the entry
    validate_entry(entry)
    if entry.pk is None:
        entry.created_by = user
        entry.save()
    else:
        entry.save_versioned(expected_version if expected_version is not None else entry.version)
    return entry


@transaction.atomic
def delete_entry(user, entry: ManualEntry) -> None:
    _require_bureau(user)
    entry.delete()


# --- Publishing -----------------------------------------------------------------------------------


def publish(user, scheme: AssessmentScheme, period_key: str, *, today: datetime.date | None = None) -> AssessmentResult:
    """Freeze the scores of one period. Published once: a second publication of the same
    period is refused, and the stored snapshot never changes afterwards."""
    _require_bureau(user)
    period = scheme_period(scheme, period_key)
    existing = AssessmentResult.objects.filter(scheme=scheme, period_key=period_key).first()
    if existing is not None:
        raise ValidationError(
            f"{period.label}的考核结果已于 {timezone.localtime(existing.published_at):%Y-%m-%d %H:%M} 发布，"
            "发布后不再改变；重新计算可在结果页查看与当前数据的差异。"
        )
    scores = compute_scores(scheme, period_key, today=today)
    if not scores.units:
        raise ValidationError("没有被考核单位，无法发布。")
    try:
        with transaction.atomic():
            return AssessmentResult.objects.create(
                scheme=scheme,
                period_key=period_key,
                period_label=period.label,
                period_start=period.start,
                period_end=period.end,
                data=to_data(scores),
                published_by=user,
            )
    except IntegrityError:  # a double-clicked publish: the first one stands
        raise ValidationError(f"{period.label}的考核结果已发布。") from None


def withdrawal_refusal(project) -> str:
    """A project an entry scores stays (registered with projects in apps.py)."""
    if ManualEntry.objects.filter(project=project).exists():
        return "该项目已用于考核加减分，不能撤回。"
    return ""
