"""The assessment pages by persona: the bureau configures, records and publishes; the
leader reads everything; an officer reads published rankings and their own unit's
breakdown only; the system admin and the auditor see nothing."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhaoshang.assessment.choices import EntryKind, UnitSelection
from zhaoshang.assessment.models import AssessmentResult, AssessmentScheme, ManualEntry
from zhaoshang.assessment.services import publish, save_entry, save_scheme
from zhaoshang.assessment.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
D = Decimal


def scheme_post(personas, **overrides):
    data = {
        "name": "2024年乡镇考核",
        "year": "2024",
        "parent": str(personas.county.pk),
        "selection": "children",
        "total_points": "100",
        "cap_percent": "100",
        "veto_mode": "zero",
        "note": "",
        "ind-TOTAL_FORMS": "3",
        "ind-INITIAL_FORMS": "0",
        "ind-0-indicator": "contracted_investment",
        "ind-0-weight": "60",
        "ind-1-indicator": "signed_count",
        "ind-1-weight": "40",
        "ind-2-indicator": "",
        "ind-2-weight": "",
        "rule-TOTAL_FORMS": "2",
        "rule-INITIAL_FORMS": "0",
        "rule-0-kind": "big_project",
        "rule-0-points": "5",
        "rule-0-max_points": "",
        "rule-0-threshold_wan": "",
        "rule-0-flag": "",
        "rule-1-kind": "",
        "rule-1-points": "",
    }
    data.update(overrides)
    return data


def test_the_bureau_creates_a_scheme_with_weights_that_add_up(personas, client_for):
    client = client_for(personas.bureau)
    assert client.get(reverse("assessment:scheme_create")).status_code == 200
    response = client.post(reverse("assessment:scheme_create"), scheme_post(personas))
    scheme = AssessmentScheme.objects.get()
    assert response.status_code == 302 and response.url == reverse("assessment:scores", kwargs={"pk": scheme.pk})
    assert [(row.indicator, row.weight) for row in scheme.indicators.all()] == [
        ("contracted_investment", D(60)),
        ("signed_count", D(40)),
    ]
    (rule,) = scheme.rules.all()
    assert rule.threshold_wan == D(100000)  # 10亿 by default
    assert [unit.name for unit in scheme.assessed_units()] == ["城关镇", "河口镇"]


def test_weights_that_do_not_add_up_are_refused_in_chinese_and_nothing_is_saved(personas, client_for):
    client = client_for(personas.bureau)
    response = client.post(reverse("assessment:scheme_create"), scheme_post(personas, **{"ind-1-weight": "35"}))
    assert response.status_code == 200
    assert "各指标分值合计 95 分，应等于指标总分 100 分（相差 5 分）" in response.content.decode()
    assert not AssessmentScheme.objects.exists()
    response = client.post(
        reverse("assessment:scheme_create"), scheme_post(personas, **{"ind-1-indicator": "contracted_investment"})
    )
    assert "指标「协议引资额」重复" in response.content.decode()
    response = client.post(reverse("assessment:scheme_create"), scheme_post(personas, **{"ind-1-weight": "abc"}))
    assert response.status_code == 200 and not AssessmentScheme.objects.exists()


def test_scheme_validation_speaks_chinese(personas):
    def attempt(scheme, indicators=None):
        with pytest.raises(ValidationError) as caught:
            save_scheme(personas.bureau, scheme, [("signed_count", D(100))] if indicators is None else indicators, [])
        return caught.value.message_dict

    base = {"name": "考核", "year": 2024, "parent": personas.county}
    assert "unit_types" in attempt(AssessmentScheme(**base, selection=UnitSelection.TYPE))
    outside = attempt(AssessmentScheme(**base, selection=UnitSelection.CHOSEN, chosen_units=[personas.bureau_unit.pk]))
    assert outside["chosen_units"] == ["指定的单位须在「示范县」之下。"]
    assert "请至少设置一个考核指标。" in attempt(AssessmentScheme(**base), indicators=[])["indicators"]
    assert attempt(AssessmentScheme(**base, cap_percent=D(0)))["cap_percent"] == ["完成率封顶须大于 0%（默认 100%）。"]
    leaf = attempt(AssessmentScheme(name="考核", year=2024, parent=personas.town_a))
    assert leaf["selection"] == ["按所选范围找不到被考核单位。"]
    assert not AssessmentScheme.objects.exists()


def test_entries_are_checked(scheme):
    p, s = scheme, scheme.extra["scheme"]

    def attempt(**fields):
        values = {"scheme": s, "unit": p.town_a, "kind": EntryKind.ADJUSTMENT, "date": datetime.date(2024, 5, 1)}
        values.update(fields)
        with pytest.raises(ValidationError) as caught:
            save_entry(p.bureau, ManualEntry(reason=values.pop("reason", "原因"), **values))
        return caught.value.message_dict

    assert attempt(points=None)["points"] == ["加减分调整须填写分值：加分为正数，扣分为负数。"]
    assert attempt(points=D(1), date=datetime.date(2025, 1, 1))["date"] == ["认定日期应在考核年度 2024 年内。"]
    assert "不在本方案的被考核单位" in attempt(points=D(1), unit=p.bureau_unit)["unit"][0]
    assert attempt(points=D(1), reason="  ")["reason"] == ["请写明事由。"]
    s.rules.filter(kind="falsified").delete()
    assert "没有设置「查实弄虚作假」扣分项" in attempt(kind=EntryKind.FALSIFIED)["kind"][0]
    with pytest.raises(Exception, match="招商局"):
        save_entry(
            p.leader, ManualEntry(scheme=s, unit=p.town_a, kind="veto", date=datetime.date(2024, 5, 1), reason="x")
        )


def test_the_bureau_and_the_leader_read_live_scores_and_breakdowns(scheme, client_for):
    s = scheme.extra["scheme"]
    for user in (scheme.bureau, scheme.leader):
        client = client_for(user)
        page = client.get(reverse("assessment:scores", kwargs={"pk": s.pk}) + "?period=m7").content.decode()
        assert "城关镇" in page and "2024年1—7月" in page
        breakdown = client.get(
            reverse("assessment:breakdown", kwargs={"pk": s.pk}) + f"?period=m7&unit={scheme.town_a.pk}"
        )
        text = breakdown.content.decode()
        assert breakdown.status_code == 200
        assert reverse("projects:detail", kwargs={"pk": scheme.extra["a2"].pk}) in text  # the ≥10亿 bonus's project
        assert "按 4.00 分计，上限 3.00 分" in text
    assert (
        'data-testid="publish"'
        not in client_for(scheme.leader).get(reverse("assessment:scores", kwargs={"pk": s.pk})).content.decode()
    )


def test_officers_and_non_business_roles_do_not_see_live_scores(scheme, client_for):
    s = scheme.extra["scheme"]
    for user in (scheme.officer_a, scheme.county_officer, scheme.sysadmin, scheme.auditor):
        client = client_for(user)
        for name in ("assessment:scores", "assessment:entries", "assessment:export", "assessment:scheme_edit"):
            assert client.get(reverse(name, kwargs={"pk": s.pk})).status_code == 404, (user, name)
    # An officer's list shows only schemes with a published result.
    client = client_for(scheme.officer_a)
    assert "乡镇招商考核" not in client.get(reverse("assessment:scheme_list")).content.decode()


def test_the_leader_reads_but_does_not_edit(scheme, client_for):
    client = client_for(scheme.leader)
    s = scheme.extra["scheme"]
    assert client.get(reverse("assessment:scheme_create")).status_code == 404
    assert client.post(reverse("assessment:publish", kwargs={"pk": s.pk}), {"period": "m7"}).status_code == 404
    before = ManualEntry.objects.count()
    response = client.post(reverse("assessment:entries", kwargs={"pk": s.pk}), {"kind": "veto"})
    assert response.status_code == 404 and ManualEntry.objects.count() == before
    assert not AssessmentResult.objects.exists()


def test_publishing_from_the_page_and_what_each_persona_then_sees(scheme, client_for):
    s = scheme.extra["scheme"]
    bureau = client_for(scheme.bureau)
    response = bureau.post(reverse("assessment:publish", kwargs={"pk": s.pk}), {"period": "m7"})
    result = AssessmentResult.objects.get()
    assert response.status_code == 302 and response.url == reverse("assessment:result", kwargs={"pk": result.pk})
    again = bureau.post(reverse("assessment:publish", kwargs={"pk": s.pk}), {"period": "m7"}, follow=True)
    assert "发布后不再改变" in again.content.decode() and AssessmentResult.objects.count() == 1
    officer = client_for(scheme.officer_a)
    assert "乡镇招商考核" in officer.get(reverse("assessment:scheme_list")).content.decode()
    ranking = officer.get(reverse("assessment:result", kwargs={"pk": result.pk})).content.decode()
    assert "河口镇" in ranking  # the whole ranking
    own = reverse("assessment:result_unit", kwargs={"pk": result.pk, "unit_id": scheme.town_a.pk})
    other = reverse("assessment:result_unit", kwargs={"pk": result.pk, "unit_id": scheme.town_b.pk})
    assert own in ranking and other not in ranking
    assert officer.get(own).status_code == 200
    assert officer.get(other).status_code == 404
    assert officer.get(reverse("assessment:result", kwargs={"pk": result.pk}) + "?compare=1").status_code == 200
    assert officer.get(reverse("assessment:result_export", kwargs={"pk": result.pk})).status_code == 404
    county = client_for(scheme.county_officer)
    assert county.get(other).status_code == 200  # the county reads its towns
    for user in (scheme.sysadmin, scheme.auditor):
        assert client_for(user).get(reverse("assessment:result", kwargs={"pk": result.pk})).status_code == 404


def test_the_comparison_shows_what_changed_since_publication(scheme, client_for):
    s = scheme.extra["scheme"]
    result = publish(scheme.bureau, s, "m7")
    client = client_for(scheme.bureau)
    url = reverse("assessment:result", kwargs={"pk": result.pk}) + "?compare=1"
    assert "结果与发布时一致" in client.get(url).content.decode()
    save_entry(
        scheme.bureau,
        ManualEntry(
            scheme=s, unit=scheme.town_a, kind="adjustment", date=datetime.date(2024, 7, 1), points=D(-3), reason="晚报"
        ),
    )
    text = client.get(url).content.decode()
    assert "加减分调整" in text and "120" in text and "117" in text


def test_the_export_has_the_ranking_and_the_projects_behind_the_bonuses(scheme, client_for):
    s = scheme.extra["scheme"]
    client = client_for(scheme.bureau)
    response = client.get(reverse("assessment:export", kwargs={"pk": s.pk}) + "?period=m7")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["得分排名", "指标明细", "加减分明细", "登记事项"]
    ranking = list(book["得分排名"].iter_rows(min_row=3, values_only=True))
    assert ranking[0][:2] == (1, "城关镇") and ranking[0][-1] == 120
    assert [row[:2] for row in ranking[:4]] == [(1, "城关镇"), (2, "河口镇"), (2, "石桥镇"), (4, "新塘镇")]
    codes = [row[6] for row in book["加减分明细"].iter_rows(min_row=3, values_only=True)]
    assert scheme.extra["a2"].code in codes
    result = publish(scheme.bureau, s, "m7", today=TODAY)
    frozen = client.get(reverse("assessment:result_export", kwargs={"pk": result.pk}))
    notes = [
        row[0] for row in openpyxl.load_workbook(io.BytesIO(frozen.content))["得分排名"].iter_rows(values_only=True)
    ]
    assert any("已于" in str(note) and "发布" in str(note) for note in notes)


def test_the_bureau_records_an_entry_and_its_officer_reads_it(scheme, client_for):
    s = scheme.extra["scheme"]
    client = client_for(scheme.bureau)
    url = reverse("assessment:entries", kwargs={"pk": s.pk})
    bad = client.post(url, {"kind": "adjustment", "unit": scheme.town_a.pk, "date": "2024-06-01", "reason": "表彰"})
    assert "加减分调整须填写分值" in bad.content.decode()
    count = ManualEntry.objects.count()
    response = client.post(
        url,
        {
            "kind": "veto",
            "unit": scheme.town_a.pk,
            "date": "2024-06-01",
            "reason": "重大安全事故",
            "evidence": "市安委办通报",
            "project_code": scheme.extra["a1"].code,
        },
    )
    assert response.status_code == 302 and ManualEntry.objects.count() == count + 1
    entry = ManualEntry.objects.get(reason="重大安全事故")
    assert entry.project == scheme.extra["a1"] and entry.created_by == scheme.bureau
    officer = client_for(scheme.officer_a)
    assert "市安委办通报" in officer.get(reverse("assessment:entry_detail", kwargs={"pk": entry.pk})).content.decode()
    other = ManualEntry.objects.filter(unit=scheme.town_b).first()
    assert officer.get(reverse("assessment:entry_detail", kwargs={"pk": other.pk})).status_code == 404
    assert officer.post(reverse("assessment:entry_delete", kwargs={"pk": entry.pk})).status_code == 404
