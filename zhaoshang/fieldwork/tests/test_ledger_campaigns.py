"""签约活动 and 签约文书 in the project ledger, as a county bureau writes it.

示范县's ledger of May 2026: a title row, a 填报单位 line with 单位：万元, the signing dates
three ways, units by alias, the campaign named per row, 签约文书 as clerks write it
(合同, 框架协议, 意向), a project still 在谈 with neither column, and a 合计 line. The
county's 招商月 is registered; 河口镇招商推介会 is not and becomes a draft of the county.
"""

import csv
import datetime
import io

import pytest

from zhaoshang.fieldwork.choices import CampaignKind, CampaignStatus, SigningDocument
from zhaoshang.fieldwork.models import Campaign, CampaignSigning
from zhaoshang.imports.services import commit_ledger, preview_ledger
from zhaoshang.imports.spec import ImportRefused

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "项目名称",
    "投资方",
    "协议总投资",
    "项目进展",
    "签约时间",
    "责任单位",
    "签约活动",
    "签约文书",
    "备注",
]
ROWS = [
    [1, "电容器项目", "深圳甲电子有限公司", "30000", "已签约", "2026.5.8", "城关镇", "2026年示范县招商月", "合同", ""],
    [
        2,
        "物流园项目",
        "宁波乙物流有限公司",
        "2亿",
        "签约",
        "2026-05-08",
        "城关镇人民政府",
        "2026年示范县招商月",
        "框架协议",
        "",
    ],
    [3, "食品项目", "福建丙食品有限公司", "8000", "已签约", "2026年5月9日", "河口镇", "河口镇招商推介会", "意向", ""],
    [4, "仓储项目", "丁仓储有限公司", "5000", "在谈", "", "河口镇", "", "", "正在洽谈"],
    ["合计", "", "", "63000", "", "", "", "", "", ""],
]


def ledger(rows=ROWS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["示范县2026年5月招商引资签约项目台账"])
    writer.writerow(["填报单位：示范县投资促进中心", "", "", "单位：万元"])
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


@pytest.fixture
def month(personas):
    return Campaign.objects.create(
        name="2026年示范县招商月",
        kind=CampaignKind.MONTH,
        start_on=datetime.date(2026, 5, 1),
        organiser=personas.county,
        status=CampaignStatus.HELD,
    )


def notes(preview) -> list[str]:
    return [note for row in preview.rows for note in row.notes]


def test_the_ledger_records_each_signing_and_creates_the_unknown_campaign_as_a_draft(personas, month):
    user = personas.county_officer
    preview = preview_ledger(user, ledger(), "示范县签约台账.csv", personas.county)
    assert not preview.error_rows, preview.messages()
    assert "招商活动「河口镇招商推介会」尚未登记，导入时将新建为示范县的草稿活动。" in notes(preview)
    assert not Campaign.objects.filter(name="河口镇招商推介会").exists()  # the preview writes nothing
    commit_ledger(user, preview.batch)
    documents = dict(CampaignSigning.objects.values_list("project__name", "document"))
    assert documents == {
        "电容器项目": SigningDocument.CONTRACT,
        "物流园项目": SigningDocument.FRAMEWORK,
        "食品项目": SigningDocument.INTENT,
    }
    assert set(month.signings.values_list("project__name", flat=True)) == {"电容器项目", "物流园项目"}
    draft = Campaign.objects.get(name="河口镇招商推介会")
    assert (draft.status, draft.organiser, draft.kind, draft.start_on) == (
        CampaignStatus.DRAFT,
        personas.county,
        CampaignKind.PROMOTION,
        datetime.date(2026, 5, 9),
    )


def test_importing_the_same_ledger_again_changes_nothing(personas, month):
    user = personas.county_officer
    commit_ledger(user, preview_ledger(user, ledger(), "示范县签约台账.csv", personas.county).batch)
    signings = list(CampaignSigning.objects.order_by("pk").values_list("pk", "campaign", "project", "document"))
    again = preview_ledger(user, ledger(), "示范县签约台账.csv", personas.county)
    assert again.count("unchanged") == 4 and not notes(again)
    commit_ledger(user, again.batch)
    assert list(CampaignSigning.objects.order_by("pk").values_list("pk", "campaign", "project", "document")) == signings
    assert Campaign.objects.count() == 2


def test_a_campaign_without_its_document_or_an_unknown_document_refuses_the_file(personas, month):
    rows = [list(row) for row in ROWS[:3]]
    rows[0][8] = ""
    rows[1][8] = "备忘录"
    preview = preview_ledger(personas.county_officer, ledger(rows), "台账.csv", personas.county)
    messages = preview.messages()
    assert any("第4行 签约活动：请同时填写签约文书" in message for message in messages), messages
    assert any("第5行 签约文书：无法识别的签约文书「备忘录」" in message for message in messages), messages
    with pytest.raises(ImportRefused):
        commit_ledger(personas.county_officer, preview.batch)
    assert not CampaignSigning.objects.exists() and Campaign.objects.count() == 1


def test_a_project_signed_at_another_campaign_is_an_error_of_its_row(personas, month):
    user = personas.county_officer
    commit_ledger(user, preview_ledger(user, ledger(), "台账.csv", personas.county).batch)
    rows = [list(row) for row in ROWS[:1]]
    rows[0][7] = "河口镇招商推介会"
    preview = preview_ledger(user, ledger(rows), "台账.csv", personas.county)
    assert any("项目已登记为在「2026年示范县招商月」签约" in message for message in preview.messages())
