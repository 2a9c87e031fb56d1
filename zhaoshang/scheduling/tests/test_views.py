"""The scheduling pages by persona: the bureau opens, watches, reminds and closes; a unit
reports on its own projects on one page; the leader reads; summaries and exports."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from zhaoshang.core.models import AuditLog
from zhaoshang.scheduling.models import RoundItem, SchedulingRound
from zhaoshang.scheduling.services import close_round, save_report
from zhaoshang.scheduling.tests.conftest import open_october

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def item_of(round_, project) -> RoundItem:
    return RoundItem.objects.get(round=round_, project=project)


def report_data(item, **overrides):
    prefix = f"item-{item.pk}-"
    data = {
        "progress": "主体结构封顶",
        "investment_this_period": "1200.5",
        "investment_cumulative": "",
        "problems": "",
        "next_steps": "设备进场",
        "reported_stage": "",
        "version": str(item.version),
    } | overrides
    return {prefix + key: value for key, value in data.items()}


def test_the_bureau_opens_a_round_with_the_defaults(city, client_for):
    client = client_for(city.bureau)
    page = client.get(reverse("scheduling:create")).content.decode()
    assert "只纳入重点项目" in page
    response = client.post(
        reverse("scheduling:create"), {"kind": "monthly", "year": "2026", "month": "10", "key_only": "on"}
    )
    round_ = SchedulingRound.objects.get()
    assert response["Location"] == reverse("scheduling:detail", args=[round_.pk])
    assert round_.title == "2026年10月项目调度" and round_.deadline == datetime.date(2026, 11, 4)
    assert round_.items.count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "城关镇" in page and "河口镇" in page and "0 / 3" not in page


def test_opening_form_errors_are_in_chinese(city, client_for):
    client = client_for(city.bureau)
    page = client.post(reverse("scheduling:create"), {"kind": "half_monthly", "year": "2026", "month": "10"})
    assert "半月调度须选择上半月或下半月。" in page.content.decode()
    page = client.post(reverse("scheduling:create"), {"kind": "monthly", "year": "2026", "month": "12"})
    assert "2027年的节假日安排尚未录入" in page.content.decode()
    assert not SchedulingRound.objects.exists()


def test_officers_cannot_open_rounds(city, client_for):
    assert client_for(city.officer_a).get(reverse("scheduling:create")).status_code == 404


def test_a_unit_reports_on_one_page_and_sees_only_its_own_projects(city, client_for):
    round_ = open_october(city)
    client = client_for(city.officer_a)
    assert client.get(reverse("scheduling:detail", args=[round_.pk]))["Location"] == reverse(
        "scheduling:report", args=[round_.pk]
    )
    page = client.get(reverse("scheduling:report", args=[round_.pk])).content.decode()
    assert "城关镇电容器项目" in page and "城关镇新能源项目" in page and "河口镇物流园项目" not in page
    item = item_of(round_, city.extra["a1"])
    card = client.post(reverse("scheduling:item_save", args=[item.pk]), report_data(item, action="draft"), **HTMX)
    assert "已保存草稿。" in card.content.decode() and "<html" not in card.content.decode()
    item.refresh_from_db()
    assert item.status == "draft" and item.investment_this_period == Decimal("1200.5")
    card = client.post(
        reverse("scheduling:item_save", args=[item.pk]), report_data(item) | {"action": "submit"}, **HTMX
    ).content.decode()
    assert "已提交招商局。" in card and "联系招商局退回" in card
    item.refresh_from_db()
    assert item.status == "submitted"
    other = item_of(round_, city.extra["b1"])
    assert client.post(reverse("scheduling:item_save", args=[other.pk]), report_data(other)).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"investment_this_period": "abc"}, "本期完成投资请填写数字（万元），例如 1200.5。"),
        ({"progress": "", "action": "submit"}, "提交前请填写本期进展。"),
        ({"investment_this_period": "-1"}, "本期完成投资不能为负数。"),
        ({"investment_this_period": "5", "investment_cumulative": "1"}, "累计完成投资不能小于本期完成投资。"),
    ],
)
def test_bad_reports_are_refused_in_chinese_and_nothing_is_saved(city, client_for, overrides, message):
    round_ = open_october(city)
    item = item_of(round_, city.extra["a1"])
    action = overrides.pop("action", "draft")
    client = client_for(city.officer_a)
    card = client.post(
        reverse("scheduling:item_save", args=[item.pk]), report_data(item, **overrides) | {"action": action}, **HTMX
    ).content.decode()
    assert message in card
    item.refresh_from_db()
    assert (item.status, item.progress) == ("pending", "")


def test_a_stale_card_is_refused_with_an_explanation(city, client_for):
    round_ = open_october(city)
    item = item_of(round_, city.extra["a1"])
    client = client_for(city.officer_a)
    url = reverse("scheduling:item_save", args=[item.pk])
    client.post(url, report_data(item, progress="第一次"), **HTMX)
    card = client.post(url, report_data(item, progress="旧页面"), **HTMX).content.decode()  # still version 1
    assert "已被他人修改或退回" in card
    item.refresh_from_db()
    assert item.progress == "第一次"


def test_the_bureau_sees_who_has_not_reported_red_after_the_deadline_and_reminds(city, client_for):
    round_ = open_october(city)
    item = item_of(round_, city.extra["a1"])
    item.progress, item.investment_this_period = "进展", Decimal(1)
    save_report(city.officer_a, item, expected_version=1, submit=True)
    client = client_for(city.bureau)
    page = client.get(reverse("scheduling:detail", args=[round_.pk])).content.decode()
    today = timezone.localdate()
    assert today > round_.deadline  # the October round's deadline has passed
    town_b_row = page.split('data-testid="unit-SFX-HK"')[0].rsplit("<tr", 1)[1]
    assert "table-danger" in town_b_row
    town_a_row = page.split('data-testid="unit-SFX-CG"')[0].rsplit("<tr", 1)[1]
    assert "table-danger" in town_a_row  # one of two still missing
    missing = page.split('data-testid="missing"')[1].split("</div>\n    </div>")[0]
    assert "城关镇新能源项目" in missing and "河口镇物流园项目" in missing and "城关镇电容器项目" not in missing
    response = client.post(reverse("scheduling:remind", args=[round_.pk]), follow=True)
    assert "已向 2 个单位发送催报通知" in response.content.decode()
    assert AuditLog.objects.filter(detail__startswith="催报：城关镇、河口镇").exists()


def test_the_bureau_returns_a_report_and_the_unit_sees_the_reason(city, client_for):
    round_ = open_october(city)
    item = item_of(round_, city.extra["a1"])
    item.progress, item.investment_this_period = "进展", Decimal(1)
    save_report(city.officer_a, item, expected_version=1, submit=True)
    bureau = client_for(city.bureau)
    bureau.post(reverse("scheduling:item_return", args=[item.pk]), {"reason": "请补充投资明细"})
    page = client_for(city.officer_a).get(reverse("scheduling:report", args=[round_.pk])).content.decode()
    assert "招商局退回：请补充投资明细" in page


def test_closing_asks_for_confirmation_then_freezes_and_summarises(city, client_for):
    round_ = open_october(city)
    item = item_of(round_, city.extra["a1"])
    item.progress, item.investment_this_period, item.problems = "封顶", Decimal("0.1"), "用电增容慢"
    save_report(city.officer_a, item, expected_version=1, submit=True)
    client = client_for(city.bureau)
    confirm = client.get(reverse("scheduling:close", args=[round_.pk])).content.decode()
    assert "确认结束" in confirm and "仍有 2 个项目未报送" in confirm
    assert SchedulingRound.objects.get().status == "open"
    response = client.post(reverse("scheduling:close", args=[round_.pk]))
    assert response["Location"] == reverse("scheduling:summary", args=[round_.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="count-missing">2<' in page and 'data-testid="investment-total">0.1<' in page
    assert "用电增容慢" in page
    # Read-only afterwards, for the unit too.
    report_page = client_for(city.officer_a).get(reverse("scheduling:report", args=[round_.pk])).content.decode()
    assert "本轮调度已结束，报告只读" in report_page and "保存草稿" not in report_page


def test_the_export_is_a_formula_safe_workbook_and_audited(city, client_for):
    round_ = open_october(city)
    item = item_of(round_, city.extra["a1"])
    item.progress, item.investment_this_period = '=HYPERLINK("x")', Decimal("12.5")
    save_report(city.officer_a, item, expected_version=1, submit=True)
    close_round(city.bureau, round_)
    response = client_for(city.leader).get(reverse("scheduling:export", args=[round_.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("责任单位", "项目编号", "项目名称", "报送情况")
    assert rows[1][:3] == ("城关镇", item.project.code, "城关镇电容器项目") and rows[1][3] in ("按时报送", "逾期报送")
    assert rows[1][5] == 12.5  # a number Excel can add up
    assert rows[1][4] == '\'=HYPERLINK("x")'
    assert rows[-1][0] == "合计" and rows[-1][5] == 12.5
    assert AuditLog.objects.filter(action="export", detail__contains="2026年10月项目调度").exists()


def test_summary_and_export_are_for_the_bureau_and_leaders_only(city, client_for):
    round_ = open_october(city)
    for user in (city.officer_a, city.sysadmin, city.auditor):
        client = client_for(user)
        assert client.get(reverse("scheduling:summary", args=[round_.pk])).status_code == 404
        assert client.get(reverse("scheduling:export", args=[round_.pk])).status_code == 404
    assert client_for(city.leader).get(reverse("scheduling:summary", args=[round_.pk])).status_code == 200


def test_the_list_shows_each_viewer_their_own_progress(city, client_for):
    round_ = open_october(city)
    item = item_of(round_, city.extra["b1"])
    item.progress, item.investment_this_period = "进展", Decimal(0)
    save_report(city.officer_b, item, expected_version=1, submit=True)
    page = client_for(city.officer_a).get(reverse("scheduling:list")).content.decode()
    assert f'data-testid="round-progress-{round_.pk}">0/2<' in page
    page = client_for(city.bureau).get(reverse("scheduling:list")).content.decode()
    assert f'data-testid="round-progress-{round_.pk}">1/3<' in page and "发起调度" in page
    assert client_for(city.auditor).get(reverse("scheduling:list")).status_code == 404


def test_the_bureau_exports_the_rounds_with_their_progress_and_an_officer_cannot(city, client_for):
    import io

    import openpyxl

    round_ = open_october(city)
    item = item_of(round_, city.extra["b1"])
    item.progress, item.investment_this_period = "进展", Decimal(0)
    save_report(city.officer_b, item, expected_version=1, submit=True)
    response = client_for(city.bureau).get(reverse("scheduling:list"), {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("调度", "调度类型", "调度期", "报送截止", "状态", "已报送/项目数")  # no button column
    assert rows[1][0] == round_.title and rows[1][5] == "1/3"
    assert isinstance(rows[1][3], datetime.datetime)  # a date cell, not text
    officer = client_for(city.officer_a)
    assert officer.get(reverse("scheduling:list"), {"export": "xlsx"}).status_code == 404
    assert "本单位已报送/项目数" in officer.get(reverse("scheduling:list")).content.decode()


def test_submitting_a_report_refreshes_the_counters_above_the_cards(city, client_for):
    """GIVEN a unit's report page showing 已提交 0/n WHEN one report is submitted through htmx
    THEN the response also carries the counters, out of band, with one more submitted."""
    round_ = open_october(city)
    client = client_for(city.officer_a)
    page = client.get(reverse("scheduling:report", args=[round_.pk])).content.decode()
    assert 'id="report-counters"' in page and "hx-swap-oob" not in page
    item = item_of(round_, city.extra["a1"])
    draft = client.post(reverse("scheduling:item_save", args=[item.pk]), report_data(item), **HTMX).content.decode()
    assert 'id="report-counters" data-testid="report-counters" hx-swap-oob="true"' in draft
    item.refresh_from_db()
    card = client.post(
        reverse("scheduling:item_save", args=[item.pk]), report_data(item) | {"action": "submit"}, **HTMX
    ).content.decode()
    counters = card.split('id="report-counters"', 1)[1]
    total = RoundItem.objects.filter(round=round_, unit=city.town_a).count()
    assert f"已提交 1/{total}" in counters
