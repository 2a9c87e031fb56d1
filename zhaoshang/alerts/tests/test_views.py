"""The pages by persona: the list and its filters, scope, rules edited by the bureau only
(validated in Chinese, audited), the scan button, badges, the dashboard block, home pages."""

from django.urls import reverse

from zhaoshang.alerts.models import Warning, WarningRule, WarningScan
from zhaoshang.alerts.tests.conftest import D, follow_up, negotiating, only, scan_on, signed
from zhaoshang.core.models import AuditLog
from zhaoshang.projects.tests.factories import company, project


def _two_towns(personas):
    only({"signed_not_started"})
    a = signed(personas, name="城关镇晚开工项目", agreed_start_on=D(2024, 6, 1))
    b = signed(personas, personas.town_b, name="河口镇晚开工项目", agreed_start_on=D(2024, 3, 1))
    scan_on(D(2024, 7, 1))
    return a, b


def test_an_officer_sees_only_their_towns_warnings(personas, client):
    _, b = _two_towns(personas)
    client.force_login(personas.officer_a)
    content = client.get(reverse("alerts:list")).content.decode()
    assert "城关镇晚开工项目" in content and "河口镇晚开工项目" not in content
    # even when asking for town B or its project by filter
    content = client.get(reverse("alerts:list"), {"project": b.pk}).content.decode()
    assert "河口镇晚开工项目" not in content and "没有符合条件的预警" in content
    client.force_login(personas.county_officer)
    content = client.get(reverse("alerts:list")).content.decode()
    assert "城关镇晚开工项目" in content and "河口镇晚开工项目" in content


def test_the_system_admin_and_the_auditor_see_no_warnings(personas, client):
    _two_towns(personas)
    for user in (personas.sysadmin, personas.auditor):
        client.force_login(user)
        assert client.get(reverse("alerts:list")).status_code == 404
        assert client.get(reverse("alerts:rules")).status_code == 404


def test_the_list_filters_by_level_kind_unit_and_status(personas, client):
    a, b = _two_towns(personas)  # town B's is 122 days late: red; town A's 30 days: yellow
    client.force_login(personas.bureau)
    url = reverse("alerts:list")
    assert [w.project_id for w in client.get(url, {"level": "red"}).context["page"]] == [b.pk]
    assert [w.project_id for w in client.get(url, {"unit": personas.town_a.pk}).context["page"]] == [a.pk]
    assert len(client.get(url, {"kind": "stage_dwell"}).context["page"]) == 0
    assert client.get(url, {"level": "purple"}).status_code == 200  # a junk filter is an error message, not a 500
    from zhaoshang.projects.services import StageClaim, submit_stage, verify_event

    verify_event(personas.bureau, submit_stage(personas.bureau, a, StageClaim(stage="started", date=D(2024, 6, 20))))
    scan_on(D(2024, 7, 1))
    assert [w.project_id for w in client.get(url).context["page"]] == [b.pk]  # open by default
    cleared = client.get(url, {"status": "cleared"}).context["page"]
    assert [w.project_id for w in cleared] == [a.pk]
    assert "已解除" in client.get(url, {"status": "cleared"}).content.decode()
    assert len(client.get(url, {"status": ""}).context["page"]) == 2


def test_the_list_pages(personas, client):
    only({"no_follow_up"})
    for index in range(55):
        p = negotiating(personas, name=f"项目{index}")
        follow_up(personas, p, D(2024, 1, 1))
    scan_on(D(2024, 6, 1))
    client.force_login(personas.bureau)
    first = client.get(reverse("alerts:list"))
    assert first.context["page"].paginator.count == 55 and len(first.context["page"]) == 50
    assert len(client.get(reverse("alerts:list"), {"page": 2}).context["page"]) == 5


def test_badges_on_the_project_list_and_page_cost_one_query(personas, client, django_assert_max_num_queries):
    a, _ = _two_towns(personas)
    for index in range(20):
        project(personas.officer_a, personas.town_a, name=f"无预警项目{index}", investor=company(f"公司{index}"))
    client.force_login(personas.officer_a)
    content = client.get(reverse("projects:list")).content.decode()
    assert content.count('data-testid="warning-badge-yellow"') == 1
    assert "签约未开工：2024-04-12 签约，协议约定 2024-06-01 前开工" in content  # the tooltip
    detail = client.get(reverse("projects:detail", args=[a.pk])).content.decode()
    assert 'data-testid="project-warnings"' in detail and "黄色预警" in detail
    client.force_login(personas.bureau)
    with django_assert_max_num_queries(15):  # the list's 14 and one for every row's badges
        client.get(reverse("projects:list"))


def test_the_dashboard_counts_open_warnings_of_its_scope(personas, client):
    _two_towns(personas)
    client.force_login(personas.bureau)
    board = client.get(reverse("dashboard:index")).context["board"]
    assert (board.warnings.red, board.warnings.yellow) == (1, 1)
    client.force_login(personas.officer_a)
    response = client.get(reverse("dashboard:index"))
    assert (response.context["board"].warnings.red, response.context["board"].warnings.yellow) == (0, 1)
    assert 'data-testid="warnings-yellow">黄 1<' in response.content.decode()


def _my_card(client) -> str:
    content = client.get(reverse("core:home")).content.decode()
    start = content.index('data-testid="my-warnings"')
    return content[start : content.index("</div>\n</div>\n", start)]


def test_home_pages_show_my_warnings(personas, client):
    only({"signed_not_started"})
    signed(personas, name="我负责的项目", agreed_start_on=D(2024, 6, 1), officer_in_charge="张三")
    signed(personas, personas.town_b, name="别人负责的项目", agreed_start_on=D(2024, 6, 1), responsible_leader="李四")
    scan_on(D(2024, 7, 1))
    personas.bureau.name = "市投促局 张三"
    personas.bureau.save()
    client.force_login(personas.bureau)
    content = _my_card(client)
    assert "我负责的项目" in content and "别人负责的项目" not in content
    client.force_login(personas.officer_b)  # town B's officer: their unit's warnings
    content = _my_card(client)
    assert "别人负责的项目" in content and "我负责的项目" not in content
    personas.leader.name = "李四"
    personas.leader.save()
    client.force_login(personas.leader)
    content = _my_card(client)
    assert "别人负责的项目" in content and "我负责的项目" not in content


# --- Rules --------------------------------------------------------------------------------------


def test_everyone_in_business_reads_the_rules_but_only_the_bureau_edits_them(personas, client):
    url = reverse("alerts:rule_edit", args=["no_follow_up"])
    for user in (personas.officer_a, personas.leader):
        client.force_login(user)
        assert "长期未跟进" in client.get(reverse("alerts:rules")).content.decode()
        assert client.get(url).status_code == 404
        assert client.post(url, {"enabled": "on", "yellow_threshold": 5, "red_threshold": 9}).status_code == 404
        assert client.post(reverse("alerts:scan")).status_code == 404
    assert WarningRule.objects.get(kind="no_follow_up").yellow_threshold == 30


def test_the_bureau_edits_a_rule_and_the_change_is_audited(personas, client):
    client.force_login(personas.bureau)
    url = reverse("alerts:rule_edit", args=["no_follow_up"])
    client.get(url)
    rule = WarningRule.objects.get(kind="no_follow_up")
    response = client.post(url, {"enabled": "on", "yellow_threshold": 15, "red_threshold": 45, "version": rule.version})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.yellow_threshold, rule.red_threshold, rule.version) == (15, 45, 2)
    log = AuditLog.objects.filter(object_type="alerts.warningrule", action="update").get()
    assert log.changes["yellow_threshold"] == [30, 15]


def test_bad_rule_values_are_refused_in_chinese_and_nothing_is_saved(personas, client):
    client.force_login(personas.bureau)
    client.get(reverse("alerts:rules"))
    cases = [
        ("no_follow_up", {"yellow_threshold": 60, "red_threshold": 30}, "红色预警的天数须大于黄色预警的天数"),
        ("no_follow_up", {"yellow_threshold": "", "red_threshold": 30}, "请填写此项"),
        ("no_follow_up", {"yellow_threshold": "三十", "red_threshold": 30}, "请输入整数"),
        ("funds_behind", {"plan_days": 730, "yellow_threshold": 20, "red_threshold": 120}, "百分点数不能超过 100"),
        ("signed_not_started", {"red_threshold": 0}, "须不小于 1"),
        (
            "stage_dwell",
            {
                "red_threshold": 30,
                **{f"limit_{s}": 0 for s in ("lead", "negotiating", "signed", "registered", "started")},
            },
            "至少为一个阶段设置时限",
        ),
        ("stage_dwell", {"red_threshold": 30, "limit_lead": -5}, "天数不能小于 0"),
    ]
    for kind, data, message in cases:
        rule = WarningRule.objects.get(kind=kind)
        before = (rule.yellow_threshold, rule.red_threshold, rule.plan_days, rule.stage_limits, rule.version)
        response = client.post(
            reverse("alerts:rule_edit", args=[kind]), {"enabled": "on", "version": rule.version, **data}
        )
        assert response.status_code == 200, kind
        assert message in response.content.decode(), (kind, data)
        rule.refresh_from_db()
        assert (rule.yellow_threshold, rule.red_threshold, rule.plan_days, rule.stage_limits, rule.version) == before


def test_stage_limits_are_edited_stage_by_stage(personas, client):
    client.force_login(personas.bureau)
    client.get(reverse("alerts:rules"))
    rule = WarningRule.objects.get(kind="stage_dwell")
    data = {"enabled": "on", "version": rule.version, "red_threshold": 20, "limit_lead": 30, "limit_negotiating": 60}
    assert client.post(reverse("alerts:rule_edit", args=["stage_dwell"]), data).status_code == 302
    rule.refresh_from_db()
    assert rule.stage_limits == {"lead": 30, "negotiating": 60, "signed": 0, "registered": 0, "started": 0}
    assert "签约 不检查" in client.get(reverse("alerts:rules")).content.decode()


def test_a_stale_rule_edit_is_refused(personas, client):
    client.force_login(personas.bureau)
    client.get(reverse("alerts:rules"))
    rule = WarningRule.objects.get(kind="no_follow_up")
    url = reverse("alerts:rule_edit", args=["no_follow_up"])
    assert (
        client.post(url, {"enabled": "on", "yellow_threshold": 20, "red_threshold": 40, "version": 1}).status_code
        == 302
    )
    response = client.post(url, {"enabled": "on", "yellow_threshold": 25, "red_threshold": 50, "version": 1})
    assert "已被他人修改" in response.content.decode()
    rule.refresh_from_db()
    assert (rule.yellow_threshold, rule.red_threshold) == (20, 40)


# --- The scan button ----------------------------------------------------------------------------


def test_the_bureau_scans_now_and_sees_the_result(personas, client):
    only({"no_follow_up"})
    p = negotiating(personas, name="立即扫描项目")
    follow_up(personas, p, D(2024, 1, 1))
    client.force_login(personas.bureau)
    response = client.post(reverse("alerts:scan"), HTTP_HX_REQUEST="true")
    assert 'data-testid="scan-done"' in response.content.decode() and "新增 1 条" in response.content.decode()
    scan_row = WarningScan.objects.get()
    assert (scan_row.status, scan_row.source, scan_row.triggered_by) == ("done", "button", personas.bureau)
    assert Warning.objects.filter(project=p, status="open").exists()
    status = client.get(reverse("alerts:scan_status", args=[scan_row.pk]))
    assert "扫描完成" in status.content.decode()
    assert "立即扫描" in client.get(reverse("alerts:rules")).content.decode()


def test_a_running_scan_is_shown_instead_of_starting_another(personas, client):
    from django.utils import timezone

    running = WarningScan.objects.create(
        started_at=timezone.now(),
        source="command",
        as_of=D(2024, 7, 1),
        progress="正在检查：长期未跟进（3/4）",
        percent=50,
    )
    client.force_login(personas.bureau)
    response = client.post(reverse("alerts:scan"), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "已有一次扫描正在进行" in content and "正在检查：长期未跟进（3/4）" in content
    assert 'hx-trigger="load delay:1s"' in content  # the page keeps polling
    assert WarningScan.objects.get() == running


def test_the_rules_are_created_by_the_system_not_by_whoever_looked_first(personas, client):
    client.force_login(personas.officer_a)
    assert client.get(reverse("alerts:rules")).status_code == 200
    assert WarningRule.objects.count() >= 4
    creators = set(AuditLog.objects.filter(object_type="alerts.warningrule").values_list("user_id", "source"))
    assert creators == {(None, "system")}
