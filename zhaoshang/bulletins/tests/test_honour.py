"""红黑榜 in bulletins, by the bureau's rules, worked by hand.

By completion, 1—7月 2024 on the engine's dataset (协议引资: 城关镇 29000 万元, 河口镇 9000,
the others nothing): targets 城关镇 29000 → 100.0%, 河口镇 18000 → 50.0%, 新城镇 10000 →
0.0%, 山林镇 5000 → 0.0%, 石桥镇 none (not ranked). Ranks 1, 2, 3, 3: top 1 is 城关镇; bottom
1 is both 0.0% towns (a tie shares the rank, so the 黑榜 is longer than 1).

By basic work, July 2024 (the monthly bulletin's month): a round due 2024-07-10; 城关镇's two
reports were submitted on 07-09 and 07-10 (2/2 on time) and one of its projects was updated
on 07-20 (台账已更新): (100 + 100) / 2 = 100.0分. 河口镇 submitted one on 07-08 and one on
07-12 (1/2) and updated nothing: (50 + 0) / 2 = 25.0分. The three other towns had no report
due (that check does not apply) and updated nothing: 0.0分 each, tied at the bottom.
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from zhaoshang.accounts.choices import UnitType
from zhaoshang.accounts.models import Unit
from zhaoshang.bulletins import documents
from zhaoshang.bulletins.honour import Ranked, sides
from zhaoshang.bulletins.models import HonourRule
from zhaoshang.bulletins.services import generate, publish
from zhaoshang.bulletins.tests.factories import draft
from zhaoshang.projects.models import Project
from zhaoshang.scheduling.models import RoundItem, SchedulingRound
from zhaoshang.stats.choices import Indicator
from zhaoshang.targets.models import Target

pytestmark = pytest.mark.django_db
D = Decimal
COMPLETION_TEXT = "乡镇招商指标完成情况：红榜：城关镇（100.0%）；黑榜：山林镇（0.0%）、新城镇（0.0%）。"


def target(unit, amount):
    Target.objects.create(year=2024, unit=unit, indicator=Indicator.CONTRACTED_INVESTMENT, value=D(amount))


def honour_texts(content) -> list[str]:
    section = next((item for item in content["sections"] if item["key"] == "honour"), None)
    return [] if section is None else [block["text"] for block in section["blocks"] if block["type"] == "paragraph"]


@pytest.fixture
def towns(dataset):
    for code, name in (("SFX-XC", "新城镇"), ("SFX-SL", "山林镇"), ("SFX-SQ", "石桥镇")):
        dataset.extra[name] = Unit.objects.create(code=code, name=name, type=UnitType.TOWN, parent=dataset.county)
    target(dataset.town_a, 29000)
    target(dataset.town_b, 18000)
    target(dataset.extra["新城镇"], 10000)
    target(dataset.extra["山林镇"], 5000)
    return dataset


def completion_rule(**fields):
    fields.setdefault("name", "乡镇招商指标完成情况")
    return HonourRule.objects.create(
        unit_type=UnitType.TOWN,
        measure="completion",
        indicator=Indicator.CONTRACTED_INVESTMENT,
        top_n=1,
        bottom_n=1,
        **fields,
    )


def test_no_rule_no_section(towns):
    content = generate(draft(towns.bureau, towns.city), towns.bureau).content
    assert "honour" not in [section["key"] for section in content["sections"]]


def test_the_template_rule_ranks_by_completion_ties_sharing_a_rank(towns):
    completion_rule(bulletin_kind="monthly")
    generated = generate(draft(towns.bureau, towns.city), towns.bureau)
    assert honour_texts(generated.content) == [COMPLETION_TEXT]
    rule_list = next(value for key, value in generated.numbers["lists"].items() if key.startswith("honour_"))
    assert [(item["label"], item["unit"], item["value"]) for item in rule_list] == [
        ("城关镇", "红榜", "100.0"),
        ("山林镇", "黑榜", "0.0"),
        ("新城镇", "黑榜", "0.0"),
    ]
    # The .xlsx has every ranked town with its shared rank; the Word file has the sentence.
    book = openpyxl.load_workbook(io.BytesIO(documents.render_xlsx(generated.content, generated.result)))
    rows = [[cell.value for cell in row] for row in book["红黑榜"].iter_rows()][2:]
    assert [row[1:] for row in rows] == [
        [1, "城关镇", 1, "红榜"],  # percentages as numbers, as the sheets give them
        [2, "河口镇", 0.5, "—"],
        [3, "山林镇", 0, "黑榜"],
        [3, "新城镇", 0, "黑榜"],
    ]
    text = "\n".join(
        paragraph.text for paragraph in Document(io.BytesIO(documents.render_docx(generated.content))).paragraphs
    )
    assert COMPLETION_TEXT in text


def test_the_preview_prints_the_lists(towns, client):
    completion_rule()
    bulletin = draft(towns.bureau, towns.city)
    client.force_login(towns.bureau)
    page = client.get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    assert COMPLETION_TEXT in page and "红黑榜" in page


def test_a_quarterly_template_does_not_apply_to_a_monthly_bulletin_and_a_bulletin_rule_replaces_the_template(towns):
    completion_rule(bulletin_kind="quarterly")
    bulletin = draft(towns.bureau, towns.city)
    assert honour_texts(generate(bulletin, towns.bureau).content) == []
    completion_rule(bulletin_kind="", name="全体")
    completion_rule(bulletin=bulletin, name="本期乡镇榜")
    assert honour_texts(generate(bulletin, towns.bureau).content) == [
        COMPLETION_TEXT.replace("乡镇招商指标完成情况", "本期乡镇榜")
    ]


def test_basic_work_counts_reports_on_time_and_ledgers_updated(towns):
    a, b = towns.town_a, towns.town_b
    round_ = SchedulingRound.objects.create(
        title="7月调度",
        year=2024,
        month=7,
        period_start=datetime.date(2024, 7, 1),
        period_end=datetime.date(2024, 7, 31),
        deadline=datetime.date(2024, 7, 10),
    )

    def report(unit, name, day):
        project = Project.objects.filter(responsible_unit=unit, name=name).get()
        at = timezone.make_aware(datetime.datetime(2024, 7, day, 16, 0))
        RoundItem.objects.create(
            round=round_, project=project, unit=unit, status="submitted", first_submitted_at=at, submitted_at=at
        )

    report(a, "P1", 9)
    report(a, "P3", 10)
    report(b, "P2", 8)
    report(b, "P6", 12)
    # The ledger's last change, set as a July 2024 bulletin would have found it (test set-up,
    # past the audited manager: updated_at is the clock's, not a field anyone edits).
    Project._base_manager.update(updated_at=timezone.make_aware(datetime.datetime(2024, 1, 5)))
    Project._base_manager.filter(name="P4").update(updated_at=timezone.make_aware(datetime.datetime(2024, 7, 20)))
    HonourRule.objects.create(
        name="乡镇基础工作",
        unit_type=UnitType.TOWN,
        measure="basic_work",
        checks=["reports_on_time", "ledger_updated"],
        top_n=1,
        bottom_n=1,
    )
    text = honour_texts(generate(draft(towns.bureau, towns.city), towns.bureau).content)
    # 河口镇 (25.0分, rank 2) is above the three tied at 0.0分, which are the 黑榜 of 1.
    assert text == [
        "乡镇基础工作：红榜：城关镇（100.0分，按时报送2/2，台账已更新）；"
        "黑榜：山林镇（0.0分，台账未更新）、石桥镇（0.0分，台账未更新）、新城镇（0.0分，台账未更新）。"
    ]


def test_publication_freezes_the_lists(towns):
    completion_rule()
    bulletin = publish(towns.bureau, draft(towns.bureau, towns.city))
    Target.objects.filter(unit=towns.extra["新城镇"]).delete()  # 新城镇 no longer ranked
    assert honour_texts(bulletin.snapshot.content) == [COMPLETION_TEXT]
    live = honour_texts(generate(bulletin, towns.bureau).content)
    assert live == ["乡镇招商指标完成情况：红榜：城关镇（100.0%）；黑榜：山林镇（0.0%）。"]


def test_a_red_unit_is_never_also_black():
    def unit(name, path):
        return type("U", (), {"pk": name, "name": name, "path": path, "code": name})()

    ranked = [Ranked(unit("甲", "a"), D("80.0"), "80.0%"), Ranked(unit("乙", "b"), D("60.0"), "60.0%")]
    red, black = sides(ranked, 2, 2)
    assert [item.unit.name for item in red] == ["甲", "乙"] and black == []
    everyone_tied = [Ranked(unit(n, path), D("50.0"), "50.0%") for n, path in (("丙", "c"), ("丁", "d"))]
    red, black = sides(everyone_tied, 1, 1)
    assert [item.unit.name for item in red] == ["丙", "丁"] and black == []


def test_the_bureau_names_rules_and_no_one_else_sees_them(towns, client):
    client.force_login(towns.bureau)
    answer = client.post(
        reverse("bulletins:honour_rule_create"),
        {"name": "乡镇榜", "unit_type": "town", "measure": "completion", "indicator": "", "top_n": 3, "bottom_n": 3},
    )
    assert "按指标完成率排名时，请选择指标" in answer.content.decode()
    answer = client.post(
        reverse("bulletins:honour_rule_create"),
        {"name": "乡镇榜", "unit_type": "town", "measure": "basic_work", "top_n": 0, "bottom_n": 0},
    )
    body = answer.content.decode()
    assert "请至少选择一个检查项" in body and "红榜、黑榜名额不能都为0" in body
    assert not HonourRule.objects.exists()
    answer = client.post(
        reverse("bulletins:honour_rule_create"),
        {
            "name": "乡镇榜",
            "bulletin_kind": "monthly",
            "unit_type": "town",
            "measure": "completion",
            "indicator": "contracted_investment",
            "top_n": 1,
            "bottom_n": 1,
            "sort_order": 0,
        },
    )
    assert answer.status_code == 302
    rule = HonourRule.objects.get()
    assert "协议引资额年度目标完成率" in client.get(reverse("bulletins:honour_rule_list")).content.decode()
    for persona in (towns.officer_a, towns.leader, towns.sysadmin):
        client.force_login(persona)
        assert client.get(reverse("bulletins:honour_rule_list")).status_code == 404
        assert client.get(reverse("bulletins:honour_rule_edit", args=[rule.pk])).status_code == 404
