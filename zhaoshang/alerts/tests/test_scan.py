"""The scan as a whole: idempotent, clears what went away, a cause that comes back is a new
warning, a disabled rule clears its kind, the command and the registry."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from zhaoshang.alerts import registry
from zhaoshang.alerts.choices import WarningStatus
from zhaoshang.alerts.models import Warning, WarningScan
from zhaoshang.alerts.registry import Finding, RuleKind
from zhaoshang.alerts.services import ensure_rules, scan
from zhaoshang.alerts.tests.conftest import D, follow_up, negotiating, only, open_warnings, scan_on, signed, tranche


def _rows():
    return sorted(Warning.objects.values_list("pk", "kind", "level", "status", "message", "since", "subject_id", "key"))


def test_scanning_twice_gives_the_same_rows(personas):
    ensure_rules()
    signed(personas, name="甲", agreed_start_on=D(2024, 6, 1))
    p = signed(personas, personas.town_b, name="乙", on=D(2024, 1, 1), agreed_production_on=D(2024, 12, 31))
    tranche(p, D(2024, 2, 1), "500")
    negotiating(personas, name="丙")
    first = scan_on(D(2024, 9, 1))
    rows = _rows()
    assert first.total("created") == len(rows) >= 4
    assert {row[1] for row in rows} >= {"signed_not_started", "stage_dwell", "funds_behind"}
    second = scan_on(D(2024, 9, 1))
    assert _rows() == rows
    assert (second.total("created"), second.total("changed"), second.total("cleared")) == (0, 0, 0)


def test_a_cause_that_comes_back_is_a_new_warning(personas):
    only({"no_follow_up"})
    p = negotiating(personas, name="反复项目")
    follow_up(personas, p, D(2024, 1, 1))
    scan_on(D(2024, 2, 15))
    [first] = open_warnings()
    follow_up(personas, p, D(2024, 2, 10))
    scan_on(D(2024, 2, 15))
    assert open_warnings() == []
    scan_on(D(2024, 3, 20))  # 39 days after the last follow-up
    [second] = open_warnings()
    assert second.pk != first.pk and second.since == D(2024, 3, 12)
    first.refresh_from_db()
    assert first.status == WarningStatus.CLEARED
    assert Warning.objects.count() == 2


def test_a_disabled_rule_clears_its_open_warnings(personas):
    rules = only({"signed_not_started"})
    signed(personas, name="停用规则项目", agreed_start_on=D(2024, 6, 1))
    scan_on(D(2024, 7, 1))
    assert len(open_warnings()) == 1
    rule = rules["signed_not_started"]
    rule.enabled = False
    rule.save()
    result = scan_on(D(2024, 7, 1))
    assert open_warnings() == [] and result.kinds["signed_not_started"].cleared == 1


def test_merged_away_projects_have_no_warnings(personas):
    only({"signed_not_started"})
    keep = signed(personas, name="保留项目", agreed_start_on=D(2024, 6, 1))
    gone = signed(personas, name="重复项目", agreed_start_on=D(2024, 6, 1))
    gone.merged_into = keep
    gone.save()
    scan_on(D(2024, 7, 1))
    assert [w.project_id for w in open_warnings()] == [keep.pk]


def test_another_app_adds_a_kind_by_registering_an_evaluator(personas):
    """How supervision/scheduling will plug in: register a kind; its rule row appears with
    the defaults, and its findings go through the same reconciliation."""
    from zhaoshang.accounts.models import Unit

    def units_without_report(rule, today):
        for unit_id in Unit.objects.filter(pk=personas.town_b.pk).values_list("pk", flat=True):
            yield Finding(Unit, unit_id, unit_id, "yellow", "本期调度未报送", today)

    spec = registry.register(
        RuleKind(
            kind="test_report_missing",
            label="调度未报送（测试）",
            description="测试用",
            evaluate=units_without_report,
            fields={"red_threshold": "逾期多少天为红色（天）"},
            defaults={"red_threshold": 3},
        )
    )
    try:
        result = scan(today=D(2024, 7, 1), kinds=[spec.kind])
        [warning] = open_warnings("test_report_missing")
        assert (warning.unit_id, warning.project_id, warning.kind_label) == (
            personas.town_b.pk,
            None,
            "调度未报送（测试）",
        )
        assert result.kinds[spec.kind].created == 1
        assert ensure_rules()[spec.kind].red_threshold == 3
    finally:
        registry._KINDS.pop(spec.kind)


def test_the_command_scans_and_records_the_run(personas):
    only({"signed_not_started"})
    signed(personas, name="命令项目", agreed_start_on=D(2024, 6, 1))
    call_command("scan_warnings", "--date", "2024-07-01", stdout=io.StringIO())
    run = WarningScan.objects.get()
    assert (run.status, run.source, run.created, run.open_count, run.as_of) == (
        "done",
        "command",
        1,
        1,
        datetime.date(2024, 7, 1),
    )
    with pytest.raises(CommandError, match="日期格式"):
        call_command("scan_warnings", "--date", "7月1日")
    with pytest.raises(CommandError, match="未知的预警类型"):
        call_command("scan_warnings", "--kind", "nonsense")


def test_units_get_one_digest_per_scan_of_new_warnings_and_of_those_turned_red(personas):
    from zhaoshang.notifications.models import Notification

    only({"signed_not_started"})
    signed(personas, name="甲", agreed_start_on=D(2024, 6, 1))
    signed(personas, name="乙", agreed_start_on=D(2024, 6, 1))

    def told(user):
        return list(Notification.objects.filter(recipient=user, kind="warning").values_list("title", flat=True))

    scan_on(D(2024, 6, 10))  # yellow: past the agreed start date
    assert told(personas.officer_a) == ["预警：新增2条（签约未开工2）"] and told(personas.officer_b) == []
    scan_on(D(2024, 6, 11))
    assert len(told(personas.officer_a)) == 1  # nothing new: nobody is told again
    scan_on(D(2024, 12, 1))  # red now
    assert told(personas.officer_a)[0] == "预警：红色2条"
