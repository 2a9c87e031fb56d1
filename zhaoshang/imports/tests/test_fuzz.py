"""Fuzzing what clerks and URLs send (start of issue 15): any ledger row, any project-list
filter. Whatever arrives, the answer is never a 500 or an exception, nothing is half
saved, and every refusal says why in Chinese."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from zhaoshang.core.context import acting_as
from zhaoshang.imports.ledger import LedgerNotFound
from zhaoshang.imports.reading import ReadError
from zhaoshang.imports.services import ImportRefused, commit_ledger, preview_ledger
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
CHINESE = re.compile("[\u4e00-\u9fff]")
HEADER = [
    "项目名称",
    "投资方",
    "协议总投资（万元）",
    "固定资产投资（亿元）",
    "项目进展",
    "签约时间",
    "开工时间",
    "用地（亩）",
    "责任单位",
]

texts = st.text(max_size=260)
amounts = st.one_of(
    st.none(),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=6).map(str),
    st.sampled_from(["5亿元", "1e400", "１２，５００", "3000万元", "-1", "0.00001", "9" * 30]),
    texts,
)
dates = st.one_of(
    st.none(),
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(str),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)),
    st.integers(min_value=-(10**6), max_value=10**7),
    st.sampled_from(["2024年13月", "2024.2.30", "0000-00-00", "2024年3月"]),
    texts,
)


def mostly(good, anything):
    """Sensible values two times in three, so that whole rows get through to the commit."""
    return st.one_of(good, good, anything)


names = st.builds(
    lambda stem, number: f"{stem}{number}",
    st.sampled_from(["锂电池项目", "物流园项目", "电容器项目"]),
    st.integers(0, 99),
)
good_row = st.tuples(
    names,
    st.sampled_from(["甲新能源有限公司", "乙电子有限公司"]),
    st.integers(0, 10**6),
    st.none(),
    st.sampled_from(["在谈", "已签约", "在建"]),
    st.dates(datetime.date(2015, 1, 1), datetime.date(2020, 12, 31)).map(str),
    st.dates(datetime.date(2021, 1, 1), datetime.date(2024, 12, 31)).map(str),
    st.none(),
    st.just("城关镇"),
)
any_row = st.tuples(
    mostly(names, texts),
    mostly(st.sampled_from(["甲新能源有限公司", "乙电子有限公司", ""]), texts),
    mostly(st.integers(0, 10**6), amounts),
    mostly(st.none(), amounts),
    mostly(st.sampled_from(["在谈", "已签约", "在建"]), st.one_of(st.sampled_from(["已投产", "退库"]), texts)),
    mostly(st.dates(datetime.date(2015, 1, 1), datetime.date(2020, 12, 31)).map(str), dates),
    mostly(st.dates(datetime.date(2021, 1, 1), datetime.date(2024, 12, 31)).map(str), dates),
    mostly(st.none(), amounts),
    st.sampled_from(["城关镇", "城关镇", "", "河口镇", "不存在的镇"]),
)
rows = st.lists(mostly(good_row, any_row), min_size=1, max_size=3)


def _workbook(values: list[tuple], as_csv: bool) -> tuple[bytes, str]:
    if as_csv:
        lines = [HEADER, *[["" if cell is None else str(cell) for cell in row] for row in values]]
        text = "\n".join(",".join('"' + cell.replace('"', '""') + '"' for cell in line) for line in lines)
        return text.encode("utf-8"), "台账.csv"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in values:
        # What an .xlsx can hold: openpyxl refuses control characters, and Excel a float it cannot write.
        sheet.append(
            [
                ILLEGAL_CHARACTERS_RE.sub("", cell)
                if isinstance(cell, str)
                else (str(cell) if isinstance(cell, float) and not (cell == cell and abs(cell) < 1e300) else cell)
                for cell in row
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), "台账.xlsx"


@FUZZ
@given(values=rows, as_csv=st.booleans())
def test_any_ledger_row_is_imported_whole_or_refused_in_chinese(personas, values, as_csv):
    data, name = _workbook(values, as_csv)
    before = Project.objects.count()
    sid = transaction.savepoint()
    try:
        with acting_as(personas.officer_a, source="web"):
            try:
                preview = preview_ledger(personas.officer_a, data, name, personas.town_a)
            except (ReadError, LedgerNotFound, ValidationError) as refused:
                assert CHINESE.search(str(refused)), refused
                event("file refused")
                return
            messages = preview.messages()
            for message in messages:
                assert CHINESE.search(message.split("：", 1)[-1]), message
            try:
                commit_ledger(personas.officer_a, preview.batch)
            except ImportRefused as refused:
                event("rows refused")
                assert messages, "a commit refused what the preview accepted"
                assert all(CHINESE.search(message) for message in refused.messages)
                assert Project.objects.count() == before  # nothing half-saved
            else:
                event("committed")
                assert not messages
                for stored in Project.objects.all():
                    assert stored.total_investment is None or stored.total_investment < Decimal(10) ** 14
    finally:
        transaction.savepoint_rollback(sid)


FILTER_NAMES = [
    "q", "stage", "verification", "unit", "industry", "leading_industry", "chain_tag", "promotion_method",
    "amount", "signed_from", "signed_to", "started_from", "production_to", "created_from", "is_key", "sort", "page",
]  # fmt: skip
filter_values = st.one_of(
    texts,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)).map(str),
    st.sampled_from(["1e400", "NaN", "-0", "9999-12-31", "0001-01-01", "\x00", "%00"]),
)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(FILTER_NAMES), filter_values, max_size=5))
def test_any_project_list_filter_is_answered_and_refusals_are_chinese(personas, client_for, params):
    client = client_for(personas.officer_a)
    response = client.get(reverse("projects:list"), params)
    assert response.status_code == 200
    form = response.context["filterset"].form
    for messages in form.errors.values():
        assert all(CHINESE.search(message) for message in messages), messages
