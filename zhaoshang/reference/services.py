"""Working-day arithmetic on the holiday calendar (法定节假日 and 调休).

A day is a working day when it is Monday–Friday and not a public holiday, or when it is a
weekend day declared a make-up workday. A year with no CalendarYear row is unknown: the
functions refuse to guess and say so in Chinese, so a deadline is never silently wrong.
"""

import datetime

from zhaoshang.reference.choices import HolidayKind
from zhaoshang.reference.models import CalendarYear, Holiday


class CalendarYearUnknown(ValueError):
    def __init__(self, year: int):
        self.year = year
        super().__init__(f"{year}年的节假日安排尚未录入，无法计算工作日。请系统管理员在「节假日」中录入该年安排。")


class WorkCalendar:
    """Loads each year's exceptions once; every question after that is answered in memory."""

    def __init__(self):
        self._years: dict[int, dict[datetime.date, str]] = {}

    def _year(self, year: int) -> dict[datetime.date, str]:
        if year not in self._years:
            if not CalendarYear.objects.filter(year=year).exists():
                raise CalendarYearUnknown(year)
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            self._years[year] = dict(Holiday.objects.filter(date__range=(start, end)).values_list("date", "kind"))
        return self._years[year]

    def is_working_day(self, day: datetime.date) -> bool:
        kind = self._year(day.year).get(day)
        if kind == HolidayKind.WORKDAY:
            return True
        if kind == HolidayKind.HOLIDAY:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The date ``days`` working days after ``start`` (start itself not counted).
        限时办结 "5 个工作日" from a Friday before 国庆 ends after the holiday."""
        if days < 0:
            raise ValueError("工作日数不能为负数。")
        day = start
        remaining = days
        while remaining:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def is_working_day(day: datetime.date) -> bool:
    return WorkCalendar().is_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    return WorkCalendar().add_working_days(start, days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    return WorkCalendar().working_days_between(start, end)


def industry_lookup() -> dict[str, int]:
    """Every way a ledger may name an industry → the id of its GB/T 4754 division (大类):
    the divisions' own names and the common 中类/小类 names of data/industry_aliases.csv."""
    import csv
    from pathlib import Path

    from zhaoshang.core.parsing import header_key
    from zhaoshang.reference.models import Industry

    divisions = dict(Industry.objects.filter(level=2).values_list("code", "pk"))
    lookup = {header_key(name): pk for pk, name in Industry.objects.filter(level=2).values_list("pk", "name")}
    path = Path(__file__).parent / "data" / "industry_aliases.csv"
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["division"] in divisions:
                lookup.setdefault(header_key(row["name"]), divisions[row["division"]])
    return lookup
