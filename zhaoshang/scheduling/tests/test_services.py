"""Rounds are opened for key projects with a deadline in working days, each unit reports on
its own projects, the bureau sees who has not reported, and closing freezes the summary."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhaoshang.core.choices import Action
from zhaoshang.core.models import AuditLog, StaleEditError
from zhaoshang.scheduling.models import RoundItem, SchedulingRound
from zhaoshang.scheduling.services import (
    add_projects,
    close_round,
    missing_reports,
    open_round,
    progress_by_unit,
    remove_item,
    return_report,
    save_report,
    select_projects,
    summary,
    units_missing,
)
from zhaoshang.scheduling.tests.conftest import at, open_october

pytestmark = pytest.mark.django_db
D = datetime.date


def item_of(round_, project) -> RoundItem:
    return RoundItem.objects.get(round=round_, project=project)


def report(user, item, *, submit=False, when=None, **fields):
    item = RoundItem.objects.get(pk=item.pk)
    for name, value in fields.items():
        setattr(item, name, Decimal(value) if name.startswith("investment") and value is not None else value)
    return save_report(user, item, expected_version=item.version, submit=submit, when=when)


def test_opening_takes_every_live_key_project_by_default_each_for_its_responsible_unit(city):
    round_ = open_october(city)
    items = {item.project.name: item.unit for item in round_.items.select_related("project", "unit")}
    assert items == {"城关镇电容器项目": city.town_a, "城关镇新能源项目": city.town_a, "河口镇物流园项目": city.town_b}
    assert round_.title == "2026年10月项目调度"
    assert (round_.period_start, round_.period_end) == (D(2026, 10, 1), D(2026, 10, 31))
    # Saturday 31 October → Monday 2, Tuesday 3, Wednesday 4 November: three working days.
    assert round_.deadline == D(2026, 11, 4)
    assert item_of(round_, city.extra["a2"]).stage_at_open == "signed"


def test_the_default_deadline_skips_national_day_and_counts_the_make_up_saturday(city):
    round_ = open_round(city.bureau, kind="monthly", year=2026, month=9)
    # Period ends Wednesday 30 September; 1–7 October is 国庆; Thursday 8, Friday 9 and the
    # make-up workday Saturday 10 October are the three working days.
    assert round_.deadline == D(2026, 10, 10)
    first_half = open_round(city.bureau, kind="half_monthly", year=2026, month=9, half=1)
    assert first_half.title == "2026年9月上半月项目调度"
    assert (first_half.period_end, first_half.deadline) == (D(2026, 9, 15), D(2026, 9, 18))


def test_a_deadline_in_an_unknown_calendar_year_must_be_entered_by_hand(city):
    with pytest.raises(ValidationError) as error:
        open_round(city.bureau, kind="monthly", year=2026, month=12)
    assert "2027年的节假日安排尚未录入" in error.value.message_dict["deadline"][0]
    assert not SchedulingRound.objects.exists()
    round_ = open_round(city.bureau, kind="monthly", year=2026, month=12, deadline=D(2027, 1, 6))
    assert round_.deadline == D(2027, 1, 6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "half_monthly", "month": 10}, "半月调度须选择上半月或下半月。"),
        ({"kind": "monthly", "month": 13}, "月份须在 1—12 之间。"),
        ({"kind": "monthly", "month": 10, "deadline": D(2026, 9, 1)}, "报送截止日期不能早于调度期开始日期。"),
    ],
)
def test_bad_rounds_are_refused_in_chinese_and_nothing_is_saved(city, kwargs, message):
    with pytest.raises(ValidationError) as error:
        open_round(city.bureau, year=2026, **kwargs)
    assert message in error.value.messages
    assert not SchedulingRound.objects.exists() and not RoundItem.objects.exists()


def test_a_period_is_opened_once_and_only_by_the_bureau(city):
    with pytest.raises(PermissionDenied):
        open_round(city.officer_a, kind="monthly", year=2026, month=10)
    open_october(city)
    with pytest.raises(ValidationError) as error:
        open_october(city)
    assert "已经发起，不能重复发起" in error.value.messages[0]
    assert SchedulingRound.objects.count() == 1


def test_the_project_set_can_be_chosen_by_unit_and_stage_and_edited_later(city):
    round_ = open_october(city, projects=select_projects(city.bureau, unit=city.town_a, stages=["signed"]))
    assert [item.project for item in round_.items.all()] == [city.extra["a2"]]
    added = add_projects(city.bureau, round_, select_projects(city.bureau, key_only=False, unit=city.county))
    assert added == 3  # a1, b1 and the small one; never the dropped project, nor a2 twice
    assert round_.items.count() == 4
    remove_item(city.bureau, item_of(round_, city.extra["small"]))
    assert round_.items.count() == 3
    with pytest.raises(PermissionDenied):
        add_projects(city.officer_a, round_, select_projects(city.officer_a, key_only=False))


def test_a_unit_reports_on_its_own_projects_and_never_sees_another_towns(city):
    round_ = open_october(city)
    mine = RoundItem.objects.restrict(city.officer_a).filter(round=round_)
    assert {item.project.name for item in mine} == {"城关镇电容器项目", "城关镇新能源项目"}
    assert SchedulingRound.objects.restrict(city.officer_a).filter(pk=round_.pk).exists()
    a1 = item_of(round_, city.extra["a1"])
    draft = report(city.officer_a, a1, progress="完成土地摘牌", investment_this_period="1200.5")
    assert draft.status == "draft" and draft.first_submitted_at is None
    submitted = report(
        city.officer_a, a1, submit=True, progress="完成土地摘牌，主体开工", investment_this_period="1200.5"
    )
    assert submitted.status == "submitted" and submitted.submitted_by == city.officer_a
    b1 = item_of(round_, city.extra["b1"])
    with pytest.raises(PermissionDenied):
        report(city.officer_a, b1, progress="冒名填报", investment_this_period="1")
    assert item_of(round_, city.extra["b1"]).progress == ""
    # A round of town B's projects only is not even visible to town A.
    other = open_round(
        city.bureau, kind="monthly", year=2026, month=11, projects=select_projects(city.bureau, unit=city.town_b)
    )
    assert not SchedulingRound.objects.restrict(city.officer_a).filter(pk=other.pk).exists()
    assert not SchedulingRound.objects.restrict(city.officer_a, Action.CHANGE).exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"progress": ""}, "progress", "提交前请填写本期进展。"),
        (
            {"investment_this_period": None},
            "investment_this_period",
            "提交前请填写本期完成投资（本期没有投资请填 0）。",
        ),
        ({"investment_this_period": "-5"}, "investment_this_period", "本期完成投资不能为负数。"),
        (
            {"investment_this_period": "100", "investment_cumulative": "50"},
            "investment_cumulative",
            "累计完成投资不能小于本期完成投资。",
        ),
    ],
)
def test_a_bad_report_is_refused_in_chinese_and_nothing_is_saved(city, fields, field, message):
    round_ = open_october(city)
    item = item_of(round_, city.extra["a1"])
    values = {"progress": "主体封顶", "investment_this_period": "10"} | fields
    with pytest.raises(ValidationError) as error:
        report(city.officer_a, item, submit=True, **values)
    assert error.value.message_dict[field] == [message]
    stored = item_of(round_, city.extra["a1"])
    assert (stored.status, stored.progress, stored.version) == ("pending", "", 1)


def test_a_stale_report_is_refused_and_the_first_save_stays(city):
    round_ = open_october(city)
    item = item_of(round_, city.extra["a1"])
    first = RoundItem.objects.get(pk=item.pk)
    second = RoundItem.objects.get(pk=item.pk)
    first.progress = "第一人填写"
    save_report(city.officer_a, first, expected_version=1)
    second.progress = "第二人填写"
    with pytest.raises(StaleEditError):
        save_report(city.officer_a, second, expected_version=1)
    assert item_of(round_, city.extra["a1"]).progress == "第一人填写"


def test_the_bureau_returns_a_report_with_a_reason_and_the_unit_resubmits(city):
    round_ = open_october(city)
    item = report(
        city.officer_a, item_of(round_, city.extra["a1"]), submit=True, progress="进展", investment_this_period="0"
    )
    with pytest.raises(ValidationError):
        report(city.officer_a, item, progress="改一下", investment_this_period="0")  # submitted: with the bureau
    with pytest.raises(PermissionDenied):
        return_report(city.officer_a, item, "自己退回")
    with pytest.raises(ValidationError) as error:
        return_report(city.bureau, item, "  ")
    assert error.value.messages == ["退回须说明原因。"]
    returned = return_report(city.bureau, item, "本期投资与资金到位不符")
    assert (returned.status, returned.return_reason) == ("returned", "本期投资与资金到位不符")
    again = report(city.officer_a, returned, submit=True, progress="已核对", investment_this_period="300")
    assert again.status == "submitted" and again.first_submitted_at == item.first_submitted_at


def test_the_bureau_sees_who_has_not_reported(city):
    round_ = open_october(city)
    report(city.officer_a, item_of(round_, city.extra["a1"]), submit=True, progress="进展", investment_this_period="1")
    report(city.officer_a, item_of(round_, city.extra["a2"]), progress="草稿", investment_this_period="1")
    grid = {line.unit.name: (line.submitted, line.total, line.draft, line.pending) for line in progress_by_unit(round_)}
    assert grid == {"城关镇": (1, 2, 1, 0), "河口镇": (0, 1, 0, 1)}
    missing = {entry.unit.name: [item.project.name for item in entry.items] for entry in units_missing(round_)}
    assert missing == {"城关镇": ["城关镇新能源项目"], "河口镇": ["河口镇物流园项目"]}


def test_closing_freezes_the_summary_and_the_reports(city):
    round_ = open_october(city)
    a1, a2, b1 = (item_of(round_, city.extra[key]) for key in ("a1", "a2", "b1"))
    report(
        city.officer_a,
        a1,
        submit=True,
        when=at(D(2026, 11, 4), 18),  # on the deadline day: on time
        progress="主体结构封顶",
        investment_this_period="0.1",
        investment_cumulative="8000",
        problems="用电增容审批慢",
        reported_stage="started",
    )
    report(city.officer_a, a2, submit=True, when=at(D(2026, 11, 5)), progress="设备进场", investment_this_period="0.2")
    report(city.officer_b, b1, progress="还在写", investment_this_period="5")  # a draft is not a report
    closed = close_round(city.bureau, round_)
    frozen = summary(closed)
    assert frozen["frozen"] is True
    assert frozen["counts"] == {
        "projects": 3,
        "reported": 2,
        "on_time": 1,
        "late": 1,
        "missing": 1,
        "units": 2,
        "units_complete": 1,
    }
    assert frozen["investment"]["this_period"] == Decimal("0.3")  # exact, not 0.30000000000000004
    assert [(row["unit_name"], row["missing"]) for row in frozen["units"]] == [("城关镇", 0), ("河口镇", 1)]
    assert frozen["problems"] == [
        {
            "unit_name": "城关镇",
            "project_id": a1.project_id,
            "project_code": a1.project.code,
            "project_name": "城关镇电容器项目",
            "text": "用电增容审批慢",
        }
    ]
    assert frozen["progress"][0]["stage_to"] == "开工" and frozen["progress"][0]["stage_from"] == "在谈"
    # Later edits are refused …
    with pytest.raises(ValidationError) as error:
        report(city.officer_b, b1, submit=True, progress="补报", investment_this_period="5")
    assert "本轮调度已结束" in error.value.messages[0]
    with pytest.raises(ValidationError):
        return_report(city.bureau, a1, "太晚了")
    with pytest.raises(ValidationError):
        add_projects(city.bureau, round_, select_projects(city.bureau, key_only=False))
    with pytest.raises(ValidationError):
        close_round(city.bureau, round_)
    # … and the summary does not move when a project changes afterwards.
    project = city.extra["a1"]
    project.name = "改名后的项目"
    project.save()
    assert summary(SchedulingRound.objects.get(pk=round_.pk)) == frozen


def test_missing_reports_count_closed_rounds_of_the_year_per_unit_and_subtree(city):
    october = open_october(city)
    report(city.officer_a, item_of(october, city.extra["a1"]), submit=True, progress="进展", investment_this_period="1")
    close_round(city.bureau, october)  # a2 and b1 missing
    open_round(city.bureau, kind="monthly", year=2026, month=11)  # open: does not count yet
    units = [city.town_a, city.town_b, city.county, city.city]
    assert missing_reports(units, 2026) == {city.town_a.pk: 1, city.town_b.pk: 1, city.county.pk: 2, city.city.pk: 2}
    assert missing_reports([city.county], 2026, subtree=False) == {city.county.pk: 0}
    assert missing_reports(units, 2025) == {unit.pk: 0 for unit in units}


def test_every_step_is_in_the_audit_log(city):
    round_ = open_october(city)
    item = item_of(round_, city.extra["a1"])
    assert AuditLog.objects.filter(object_type="scheduling.schedulinground", action="create").count() == 1
    assert AuditLog.objects.filter(object_type="scheduling.rounditem", action="create").count() == 3
    report(city.officer_a, item, submit=True, progress="进展", investment_this_period="7")
    row = AuditLog.objects.filter(object_type="scheduling.rounditem", object_id=str(item.pk), action="update").first()
    assert row.changes["status"] == ["pending", "submitted"] and row.changes["investment_this_period"][1] == "7"
    close_round(city.bureau, round_)
    closing = AuditLog.objects.filter(object_type="scheduling.schedulinground", detail__startswith="结束调度").get()
    assert "未报送 2 个" in closing.detail
