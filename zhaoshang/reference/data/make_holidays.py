"""Regenerate holidays.csv from the `chinesecalendar` package (dev tool, not run by the app).

    .venv/bin/python zhaoshang/reference/data/make_holidays.py > zhaoshang/reference/data/holidays.csv

Only days that differ from an ordinary week are kept: a holiday on a weekday, and a
weekend day that is a make-up workday (调休上班).
"""

import csv
import datetime
import sys

import chinese_calendar

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def rows(first: int = 2004, last: int = 2026):
    day = datetime.date(first, 1, 1)
    while day.year <= last:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        weekend = day.weekday() >= 5
        label = NAMES.get(getattr(name, "value", name) or "", "")
        if on_holiday and not weekend:
            yield day.isoformat(), "holiday", label
        elif not on_holiday and weekend:
            yield day.isoformat(), "workday", f"{label}调休" if label else "调休"
        day += datetime.timedelta(days=1)


if __name__ == "__main__":
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["date", "kind", "name"])
    writer.writerows(rows())
