"""The 外出招商台账 import on the generic pipeline (imports.pipeline, pages imports.generic).

Bureaus keep one row per firm visited: a merged title row (「城关镇2026年外出招商台账」),
序号, the dates as they come (2026.3.5, 2026年3月5日—7日, 3月5日-3月7日 with the year from
the title), 带队领导 with the title in the same cell (张三（副县长）), the units that went
along, the destination and the firm. Rows with the same leader, departure date and
destination are one trip; the preview says which rows were taken together. A trip
already stored (the same three) is not changed; only visits it does not have yet are
added, so importing the same ledger again changes nothing.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone

from zhaoshang.accounts.models import Unit
from zhaoshang.core.parsing import ParseError, header_key, normalise_text, parse_date
from zhaoshang.fieldwork import ledger_columns  # noqa: F401  (registers 签约活动, 签约文书)
from zhaoshang.fieldwork.choices import LeaderLevel, TripStatus, VisitResult
from zhaoshang.fieldwork.models import Trip, TripVisit
from zhaoshang.fieldwork.services import along_units, level_for_title, save_trip, save_visit, split_leader, title_table
from zhaoshang.imports.choices import RowAction
from zhaoshang.imports.services import unit_index
from zhaoshang.imports.spec import Cell, ImportSpec, Parsed, Row, data_rows, find_sheet, register
from zhaoshang.projects.models import Project

TRIP_SYNONYMS: dict[str, list[str]] = {
    "dates": ["外出时间", "外出日期", "出行时间", "出行日期", "起止时间", "起止日期", "外出起止时间", "时间", "日期"],
    "departure_on": ["出发日期", "出发时间", "开始日期", "开始时间"],
    "return_on": ["返回日期", "返回时间", "结束日期", "结束时间"],
    "leader": ["带队领导", "带队领导及职务", "带队领导（职务）", "带队人", "带队负责人", "带队"],
    "leader_title": ["领导职务", "带队领导职务", "职务"],
    "level": ["带队层级", "领导层级", "层级"],
    "organiser": ["组织单位", "外出单位", "牵头单位", "责任单位", "所属单位", "单位名称", "单位"],
    "accompanying": ["随行单位", "参加单位", "陪同单位", "随同单位", "同行单位"],
    "destination": ["目的地", "外出地点", "前往地区", "前往地点", "赴外地区", "地点"],
    "purpose": ["外出事由", "事由", "外出目的", "活动内容"],
    "visited": [
        "拜访企业",
        "对接企业",
        "考察企业",
        "洽谈企业",
        "拜访对象",
        "拜访单位",
        "对接单位",
        "企业名称",
        "拜访企业（机构）",
    ],
    "notes": ["洽谈情况", "对接情况", "洽谈内容", "对接内容", "主要内容", "工作内容", "洽谈对接情况"],
    "result": ["取得成效", "对接成效", "成效", "成果", "结果"],
    "project_code": ["项目编号", "形成项目编号"],
    "status": ["状态", "完成情况"],
    "remarks": ["备注", "说明"],
}
REQUIRED = ("leader", "destination")

LEVEL_WORDS = (("县级", LeaderLevel.SENIOR), ("主要负责人", LeaderLevel.UNIT_HEAD), ("其他", LeaderLevel.OTHER))
STATUS_WORDS = (("取消", TripStatus.CANCELLED), ("计划", TripStatus.PLANNED), ("完成", TripStatus.DONE))
RESULT_WORDS = (("线索", VisitResult.LEAD), ("跟进", VisitResult.FOLLOW_UP), ("签约", VisitResult.PROJECT))

_YEAR_IN_TITLE = re.compile(r"(20\d{2})\s*年")
_RANGE = re.compile(r"\s*(?:—+|–|~|～|至|到|－|--?)\s*")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[月./]\s*(\d{1,2})\s*日?$")
_DAY = re.compile(r"^(\d{1,2})\s*日?$")
_SPLIT_UNITS = re.compile(r"[、，,；;/\s]+")


def _day(year: int, month: int, day: int, text: str) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ParseError(f"无法识别的日期「{text}」") from None


def _one_date(text: str, year: int | None, after: datetime.date | None = None) -> tuple[datetime.date, bool]:
    """A date of a range and whether it named its year: 2026.3.5, 3月5日, 3.5, or (the end of
    a range) 7日 in the start's month."""
    try:
        parsed = parse_date(text)
    except ParseError:
        parsed = None
    if parsed is not None and parsed.precision == "day":
        return parsed.date, True
    match = _MONTH_DAY.match(text)
    if match:
        if year is None:
            raise ParseError(f"日期「{text}」没有年份，表头或标题中也未写明年度")
        return _day(year, int(match[1]), int(match[2]), text), False
    match = _DAY.match(text)
    if match and after is not None:
        return _day(after.year, after.month, int(match[1]), text), True
    raise ParseError(f"无法识别的日期「{text}」")


def parse_dates(value, year: int | None) -> tuple[datetime.date | None, datetime.date | None]:
    """(departure, return) from one cell: a real date, 2026.3.5, 2026年3月5日—7日,
    3月5日-3月7日 (the year from the title), 12月30日-1月2日 (the return in the next year)."""
    if value is None or isinstance(value, (datetime.date, int, float)):
        parsed = parse_date(value)
        return (parsed.date if parsed else None), None
    text = normalise_text(value)
    if not text:
        return None, None
    try:
        parsed = parse_date(text)
    except ParseError:
        parsed = None
    if parsed is not None:
        if parsed.precision != "day":
            raise ParseError(f"日期「{text}」只写到月，请写明出发日")
        return parsed.date, None
    parts = [part for part in _RANGE.split(text) if part]
    if len(parts) == 1:
        return _one_date(parts[0], year)[0], None
    if len(parts) != 2:
        raise ParseError(f"无法识别的日期「{text}」")
    start, _ = _one_date(parts[0], year)
    end, named_year = _one_date(parts[1], start.year, after=start)
    if end < start and not named_year:
        end = end.replace(year=end.year + 1)
    if end < start:
        raise ParseError(f"返回日期早于出发日期「{text}」")
    return start, end


def _from_words(text: str, words) -> str | None:
    for word, value in words:
        if word in text:
            return value
    return None


def trip_key(leader_name: str, departure_on, destination: str) -> tuple:
    """What makes two rows (or a row and a stored trip) the same trip."""
    return (header_key(leader_name), departure_on, header_key(destination))


@dataclass
class TripRow(Row):
    key: tuple = ()
    first_row: int = 0  # the row that opened this trip in the sheet (itself for the first)
    trip_id: int | None = None
    organiser_id: int | None = None
    accompanying_ids: list[int] = field(default_factory=list)


class TripImport(ImportSpec):
    kind = "trips"
    title = "外出招商台账"
    noun = "行"
    model = Trip
    synonyms = TRIP_SYNONYMS
    required = REQUIRED
    intro = (
        "上传外出招商台账（Excel/WPS/CSV），一行一家拜访的企业或机构即可：带队领导、出发日期和目的地相同的各行"
        "视为同一次外出。日期可写 2026.3.5、2026年3月5日、3月5日-3月7日（年份取标题中的年度）；带队领导可连同职务"
        "写在一格，如「张三（副县长）」，层级按职务层级对照表识别。已登记过的外出不会修改，只补充新的拜访记录；"
        "全部通过校验才会导入，重复导入同一文件不会重复登记。"
    )
    preview_note = "同一次外出的各行已合并为一次外出，见各行下方的说明。"
    columns = (
        ("dates", "外出日期"),
        ("leader", "带队领导"),
        ("level", "带队层级"),
        ("organiser", "组织单位"),
        ("destination", "目的地"),
        ("visited", "拜访对象"),
        ("notes", "洽谈情况"),
    )
    count_cards = ((RowAction.CREATE, "新增"), (RowAction.UPDATE, "补充拜访"), (RowAction.UNCHANGED, "无变化"))

    def parse(self, user, sheets, unit, options):
        sheet, header = find_sheet(
            sheets, TRIP_SYNONYMS, REQUIRED, "未找到外出招商台账表头：需要「带队领导」「目的地」列和外出日期列。"
        )
        if "dates" not in header.columns and "departure_on" not in header.columns:
            raise ValueError("未找到外出招商台账的日期列：需要「外出时间」或「出发日期」列。")
        parsed = Parsed(sheet.name, header, [], fallback_labels={"organiser": "组织单位", "dates": "外出时间"})
        year = self.title_year(sheet.rows[: header.header_row])
        table = title_table()
        units = unit_index(user, unit)
        visible = self.along_index(user)
        for number, cells in data_rows(sheet, header):
            row = TripRow(number)
            self.parse_cells(row, cells, parsed.column_label, year, table)
            self.resolve_units(row, cells, parsed.column_label, unit, units, visible)
            parsed.rows.append(row)
        self.group(parsed)
        self.match_stored(user, unit, parsed)
        for row in parsed.rows:
            if row.errors:
                row.action = RowAction.ERROR
        return parsed

    @staticmethod
    def title_year(rows_above: list) -> int | None:
        for raw in rows_above:
            for cell in raw:
                match = _YEAR_IN_TITLE.search(normalise_text(cell)) if cell is not None else None
                if match:
                    return int(match[1])
        return None

    @staticmethod
    def along_index(user) -> dict[str, Unit]:
        """Every way a unit that may have gone along is written (services.along_units)."""
        index: dict[str, Unit] = {}
        for found in along_units(user):
            for name in [found.name, found.short_name, found.code, *found.aliases]:
                if header_key(name):
                    index.setdefault(header_key(name), found)
        return index

    def parse_cells(self, row: TripRow, cells: dict, label, year, table) -> None:
        values = row.values
        try:
            if "dates" in cells:
                values["departure_on"], values["return_on"] = parse_dates(cells["dates"], year)
            if cells.get("departure_on") is not None:
                values["departure_on"] = parse_dates(cells["departure_on"], year)[0]
            if cells.get("return_on") is not None:
                values["return_on"] = parse_dates(cells["return_on"], year)[0]
        except ParseError as error:
            row.errors[label("dates" if "dates" in cells else "departure_on")] = str(error)
        if values.get("departure_on") is None and not row.errors:
            row.errors[label("dates" if "dates" in cells else "departure_on")] = "必填"
        if values.get("return_on") and values.get("departure_on") and values["return_on"] < values["departure_on"]:
            row.errors[label("return_on" if "return_on" in cells else "dates")] = "返回日期早于出发日期"
        name, title = split_leader(cells.get("leader"))
        if cells.get("leader_title") is not None and normalise_text(cells["leader_title"]):
            title = normalise_text(cells["leader_title"])
        values["leader_name"], values["leader_title"] = name, title
        if not name:
            row.errors[label("leader")] = "必填"
        level_text = normalise_text(cells.get("level"))
        values["level_given"] = bool(level_text)
        if level_text:
            values["leader_level"] = _from_words(level_text, LEVEL_WORDS)
            if values["leader_level"] is None:
                row.errors[label("level")] = (
                    f"无法识别的带队层级「{level_text}」，应为县级领导及以上、乡镇街道和部门主要负责人或其他"
                )
        else:
            values["leader_level"] = level_for_title(title, table)
        values["destination_text"] = normalise_text(cells.get("destination"))
        if not values["destination_text"]:
            row.errors[label("destination")] = "必填"
        for name in ("purpose", "notes", "remarks", "project_code"):
            values[name] = normalise_text(cells.get(name))
        values["visited_name"] = normalise_text(cells.get("visited"))
        result_text = normalise_text(cells.get("result"))
        values["result"] = VisitResult.PROJECT if values["project_code"] else _from_words(result_text, RESULT_WORDS)
        values["result"] = values["result"] or VisitResult.NONE
        if result_text and result_text not in values["notes"]:
            values["notes"] = "；".join(part for part in (values["notes"], f"成效：{result_text}") if part)
        status_text = normalise_text(cells.get("status"))
        departure = values.get("departure_on")
        default_status = TripStatus.PLANNED if departure and departure > timezone.localdate() else TripStatus.DONE
        values["status"] = _from_words(status_text, STATUS_WORDS) if status_text else default_status
        if values["status"] is None:
            row.errors[label("status")] = f"无法识别的状态「{status_text}」，应为计划、已完成或已取消"

    def resolve_units(self, row: TripRow, cells: dict, label, unit: Unit, units: dict, visible: dict) -> None:
        text = normalise_text(cells.get("organiser"))
        if text:
            found = units.get(header_key(text))
            if found is None:
                row.errors[label("organiser")] = (
                    f"组织单位「{text}」不是{unit.name}或其下级单位（可在单位管理中添加别名）"
                )
            else:
                row.organiser_id = found.pk
        else:
            row.organiser_id = unit.pk
        row.values["organiser"] = text or unit.name
        others = []
        for piece in _SPLIT_UNITS.split(normalise_text(cells.get("accompanying"))):
            if not piece:
                continue
            found = visible.get(header_key(piece))
            if found is None:
                others.append(piece)
            elif found.pk != row.organiser_id and found.pk not in row.accompanying_ids:
                row.accompanying_ids.append(found.pk)
        row.values["accompanying"] = normalise_text(cells.get("accompanying"))
        if others:
            row.notes.append(f"随行单位「{'、'.join(others)}」不是系统中的单位，仅记入备注，不参与统计")
            row.values["remarks"] = "；".join(p for p in (row.values["remarks"], f"其他随行：{'、'.join(others)}") if p)

    @staticmethod
    def group(parsed: Parsed) -> None:
        """Rows of one trip: the first opens it, the others add their visits to it and must
        agree with it on the organiser and the return date."""
        first: dict[tuple, TripRow] = {}
        members: dict[tuple, list[TripRow]] = {}
        for row in parsed.rows:
            if row.errors:
                continue
            values = row.values
            row.key = trip_key(values["leader_name"], values["departure_on"], values["destination_text"])
            opener = first.setdefault(row.key, row)
            row.first_row = opener.number
            members.setdefault(row.key, []).append(row)
            if opener is row:
                continue
            if row.organiser_id != opener.organiser_id:
                row.errors[parsed.column_label("organiser")] = f"与第{opener.number}行为同一次外出，但组织单位不同"
            elif values.get("return_on") and opener.values.get("return_on") not in (None, values["return_on"]):
                row.errors[parsed.column_label("dates")] = f"与第{opener.number}行为同一次外出，但返回日期不同"
            for pk in row.accompanying_ids:
                if pk not in opener.accompanying_ids:
                    opener.accompanying_ids.append(pk)
            if values.get("return_on") and not opener.values.get("return_on"):
                opener.values["return_on"] = values["return_on"]
        for rows in members.values():
            if len(rows) > 1:
                numbers = "、".join(str(row.number) for row in rows)
                for row in rows:
                    row.notes.append(f"第{numbers}行为同一次外出（{len(rows)}条拜访记录）")

    @staticmethod
    def match_stored(user, unit: Unit, parsed: Parsed) -> None:
        keys = {row.key for row in parsed.rows if row.key}
        departures = {key[1] for key in keys}
        stored: dict[tuple, int] = {}
        trips = Trip.objects.restrict(user).filter(departure_on__in=departures, organiser__path__startswith=unit.path)
        for pk, leader, departure, destination in trips.values_list(
            "pk", "leader_name", "departure_on", "destination_text"
        ):
            stored.setdefault(trip_key(leader, departure, destination), pk)
        visits = set()
        for trip_id, name in TripVisit.objects.filter(trip_id__in=stored.values()).values_list(
            "trip_id", "visited_name"
        ):
            visits.add((trip_id, header_key(name)))
        codes = {row.values["project_code"] for row in parsed.rows if row.values.get("project_code")}
        known_codes = set(Project.objects.restrict(user).filter(code__in=codes).values_list("code", flat=True))
        seen_visits = set()
        for row in parsed.rows:
            code = row.values.get("project_code")
            if code and code not in known_codes:
                row.errors[parsed.column_label("project_code")] = f"未找到编号为「{code}」的项目"
            if row.errors or not row.key:
                continue
            row.trip_id = stored.get(row.key)
            visit_key = (row.key, header_key(row.values["visited_name"]))
            if row.values["visited_name"] and visit_key in seen_visits:
                row.errors[parsed.column_label("visited")] = f"与第{row.first_row}行所在的外出重复登记了同一拜访对象"
                continue
            seen_visits.add(visit_key)
            if row.trip_id is None:
                row.action = RowAction.CREATE
            elif row.values["visited_name"] and (row.trip_id, header_key(row.values["visited_name"])) not in visits:
                row.action = RowAction.UPDATE
                row.notes.append("该次外出已登记，补充这条拜访记录")
            else:
                row.action = RowAction.UNCHANGED

    # --- What the pages say ---------------------------------------------------------------

    def cell(self, row, name):
        values = row.values
        if name == "dates":
            departure, back = values.get("departure_on"), values.get("return_on")
            if departure is None:
                return ""
            return Cell(f"{departure:%Y-%m-%d}", sub=f"至 {back:%Y-%m-%d}" if back and back != departure else "")
        if name == "leader":
            return Cell(values.get("leader_name", ""), sub=values.get("leader_title", ""))
        if name == "level":
            level = values.get("leader_level")
            return Cell(LeaderLevel(level).label if level else "", sub="手工指定" if values.get("level_given") else "")
        if name == "visited":
            return values.get("visited_name") or "—"
        if name == "destination":
            return values.get("destination_text", "")
        return super().cell(row, name)

    def summary(self, preview):
        new_trips = {row.key for row in preview.rows if row.action == RowAction.CREATE}
        visits = sum(
            1
            for row in preview.rows
            if row.action in (RowAction.CREATE, RowAction.UPDATE) and row.values.get("visited_name")
        )
        return {"new_trips": len(new_trips), "new_visits": visits}

    def figures(self, summary):
        return [
            ("新增外出（次）", str(summary.get("new_trips", 0)), "trips"),
            ("新增拜访记录（条）", str(summary.get("new_visits", 0)), "visits"),
        ]

    def describe(self, batch, excluded):
        summary = batch.summary
        return (
            f"导入完成：新增外出 {summary.get('new_trips', 0)} 次、拜访记录 {summary.get('new_visits', 0)} 条；"
            f"无变化 {summary.get('unchanged', 0)} 行，排除 {excluded} 行。"
        )

    def save(self, user, batch, todo):
        units = Unit.objects.in_bulk(
            {row.organiser_id for row in todo} | {pk for r in todo for pk in r.accompanying_ids}
        )
        trips: dict[tuple, Trip] = {}
        created = []
        for row in todo:
            values = row.values
            trip = trips.get(row.key)
            if trip is None and row.trip_id is not None:
                trip = trips[row.key] = Trip.objects.get(pk=row.trip_id)
            if trip is None:
                trip = Trip(
                    departure_on=values["departure_on"],
                    return_on=values.get("return_on"),
                    leader_name=values["leader_name"],
                    leader_title=values["leader_title"],
                    leader_level=values["leader_level"],
                    level_given=values["level_given"],
                    organiser=units[row.organiser_id],
                    destination_text=values["destination_text"],
                    purpose=values["purpose"][:200],
                    status=values["status"],
                    remarks=values["remarks"][:1000],
                )
                save_trip(user, trip, [units[pk] for pk in row.accompanying_ids])
                trips[row.key] = trip
                created.append(trip.pk)
            if values["visited_name"]:
                visit = TripVisit(
                    trip=trip,
                    visited_name=values["visited_name"],
                    date=None,
                    notes=values["notes"][:2000],
                    result=values["result"],
                )
                save_visit(user, visit, project_code=values["project_code"])
        return {"created_ids": created}


TRIPS = register(TripImport())
