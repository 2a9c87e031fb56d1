"""The scores as an .xlsx workbook: the ranking, each indicator's numbers, each bonus and
deduction with the projects behind it, and the bureau's entries. Served for the live
scores and for a published snapshot alike (both are ``services.Scores``)."""

import io

from zhaoshang.assessment.choices import EntryKind, VetoMode
from zhaoshang.assessment.services import Scores
from zhaoshang.core.export import safe_cell
from zhaoshang.core.numbers import format_percent, format_points, round_half_up


def _points(value):
    return None if value is None else round_half_up(value, 2)


def _value(value):
    return (
        None if value is None else value.normalize() if value == value.to_integral_value() else round_half_up(value, 4)
    )


def title(scores: Scores) -> str:
    """「…工作考核得分（2024年1—7月）」: a scheme named 「…考核」 is not called 「…考核考核」."""
    name = scores.scheme_name.removesuffix("考核")
    return f"{name}考核得分（{scores.period_label}）"


def workbook(scores: Scores, *, published_note: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    bold = Font(bold=True)

    def sheet_with(name: str, header: list[str], widths: list[int]):
        sheet = book.create_sheet(name)
        sheet.append([safe_cell(title(scores))])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(header)
        for cell in sheet[2]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for index, width in enumerate(widths):
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        return sheet

    def put(sheet, values):
        sheet.append([safe_cell(value) for value in values])

    book.remove(book.active)
    indicators = scores.units[0].indicators if scores.units else []
    ranking = sheet_with(
        "得分排名",
        ["排名", "单位"]
        + [f"{line.label}（{line.weight.normalize():f}分）" for line in indicators]
        + ["指标得分", "加分", "扣分", "调整", "一票否决", "总分"],
        [6, 24] + [14] * len(indicators) + [10, 8, 8, 8, 10, 10],
    )
    for unit in scores.units:
        put(
            ranking,
            [unit.rank, unit.unit_name]
            + [_points(line.points) for line in unit.indicators]
            + [
                _points(unit.indicator_points),
                _points(unit.bonus_points),
                _points(unit.deduction_points),
                _points(unit.adjustment_points),
                "是" if unit.vetoed else "",
                _points(unit.total),
            ],
        )
    ranking.append([])
    veto = "总分记0分并排在末位" if scores.veto_mode == VetoMode.ZERO else "保留得分、排在末位"
    notes = [
        f"指标得分 = min(完成率, {format_percent(scores.cap)}) × 分值，完成率 = {scores.period_label}完成值 ÷ 年度目标；"
        "未下达目标的指标不计分。",
        f"序时进度 {format_percent(scores.schedule)}；扣分以 {scores.as_of:%Y-%m-%d} 的状态认定。",
        f"被一票否决的单位{veto}；得分相同者名次并列。",
        f"统计口径：{scores.counting_rules}。",
    ]
    if published_note:
        notes.insert(0, published_note)
    for note in notes:
        put(ranking, [f"注：{note}"])

    detail = sheet_with(
        "指标明细",
        ["单位", "指标", "分值", "完成值", "计量单位", "年度目标", "完成率", "封顶后完成率", "得分", "与序时进度比较"],
        [24, 18, 8, 14, 8, 14, 10, 12, 8, 16],
    )
    for unit in scores.units:
        for line in unit.indicators:
            put(
                detail,
                [
                    unit.unit_name,
                    line.label,
                    line.weight,
                    _value(line.value),
                    line.word,
                    _value(line.target) if line.target is not None else "未下达",
                    format_percent(line.completion),
                    format_percent(line.capped),
                    _points(line.points),
                    format_points(line.schedule_gap),
                ],
            )

    rules = sheet_with(
        "加减分明细",
        [
            "单位",
            "加减分项",
            "每项分值",
            "个数",
            "最多计分",
            "得分",
            "项目编号",
            "项目/事由",
            "日期",
            "协议总投资（万元）",
        ],
        [24, 40, 10, 6, 10, 8, 18, 36, 12, 16],
    )
    for unit in scores.units:
        for line in unit.rules:
            head = [unit.unit_name, line.label, line.per_item, line.count, line.max_points, _points(line.points)]
            if not line.items:
                put(rules, [*head, "", "" if line.wired else "（尚未接入数据，暂计0分）", "", ""])
            for index, item in enumerate(line.items):
                put(
                    rules,
                    (head if index == 0 else [unit.unit_name, "", "", "", "", ""])
                    + [
                        item.project_code,
                        item.label,
                        item.date,
                        _value(item.amount) if item.amount is not None else None,
                    ],
                )

    entries = sheet_with(
        "登记事项",
        ["单位", "类型", "认定日期", "调整分值", "事由", "依据/证据", "相关项目"],
        [24, 10, 12, 10, 40, 40, 30],
    )
    labels = dict(EntryKind.choices)
    for unit in scores.units:
        for entry in unit.vetoes + unit.adjustments:
            put(
                entries,
                [
                    unit.unit_name,
                    labels.get(entry.kind, entry.kind),
                    entry.date,
                    entry.points,
                    entry.reason,
                    entry.evidence,
                    entry.project_name,
                ],
            )
        for line in unit.rules:
            if line.kind == EntryKind.FALSIFIED:
                for item in line.items:
                    put(
                        entries,
                        [unit.unit_name, labels[EntryKind.FALSIFIED], item.date, -line.per_item, item.label, "", ""],
                    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
