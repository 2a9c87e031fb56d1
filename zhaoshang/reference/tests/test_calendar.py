"""Deadlines in working days follow the holiday calendar, 调休 included."""

import datetime

import pytest
from django.core.management import call_command

from zhaoshang.reference.models import CalendarYear, Holiday
from zhaoshang.reference.services import (
    CalendarYearUnknown,
    WorkCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def calendar():
    call_command("load_reference", only="holidays", verbosity=0)
    return WorkCalendar()


def test_a_problem_raised_before_national_day_is_due_after_the_holiday(calendar):
    # Raised Wednesday 30 September 2026; 国庆 1–7 October (the 3rd, 4th are a weekend,
    # 5–7 holidays); Saturday 10 October is a make-up workday.
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)  # the make-up Saturday counts
    assert add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_make_up_weekend_days_are_working_days_and_weekday_holidays_are_not(calendar):
    assert is_working_day(D(2026, 2, 28))  # Saturday, 春节调休
    assert not is_working_day(D(2026, 2, 16))  # Monday, 春节
    assert is_working_day(D(2026, 3, 2))  # an ordinary Monday
    assert not is_working_day(D(2026, 3, 7))  # an ordinary Saturday


def test_working_days_between_counts_like_add(calendar):
    start = D(2026, 9, 25)
    end = calendar.add_working_days(start, 10)
    assert working_days_between(start, end) == 10
    assert working_days_between(end, start) == -10


def test_an_unknown_year_is_refused_with_a_chinese_explanation(calendar):
    with pytest.raises(CalendarYearUnknown) as error:
        add_working_days(D(2026, 12, 28), 10)
    assert "2027年的节假日安排尚未录入" in str(error.value)


def test_once_the_administrator_enters_2027_the_arithmetic_works(calendar):
    CalendarYear.objects.create(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    Holiday.objects.create(date=D(2027, 1, 1), kind="holiday", name="元旦")
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)  # 1 Jan holiday, 2–3 weekend
