"""The speech's sentence over a kind of unit (「已完成招商任务的部门只有9个，完成一半的11个…」):
how many units of the kind have done their annual task, half of it, less, or have none.

On the engine's dataset, 1—7月 2024: 城关镇 协议引资 29000 万元, 河口镇 9000; a third town
with nothing, a fourth without a target."""

import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse

from zhaoshang.accounts.choices import UnitType
from zhaoshang.accounts.models import Unit
from zhaoshang.bulletins import documents
from zhaoshang.bulletins.sections import Distribution
from zhaoshang.bulletins.services import generate
from zhaoshang.bulletins.tests.factories import draft
from zhaoshang.stats.choices import Indicator
from zhaoshang.targets.models import Target

pytestmark = pytest.mark.django_db
D = Decimal
CONTRACTED = Indicator.CONTRACTED_INVESTMENT


def target(unit, amount, indicator=CONTRACTED):
    Target.objects.create(year=2024, unit=unit, indicator=indicator, value=D(amount))


def overview(content) -> list[dict]:
    section = next(item for item in content["sections"] if item["key"] == "overview")
    return [block for block in section["blocks"] if block["type"] == "paragraph"]


def distribution_block(content) -> dict | None:
    return next((block for block in overview(content) if block.get("title")), None)


@pytest.fixture
def four_towns(dataset):
    dataset.extra["town_c"] = Unit.objects.create(
        code="SFX-XC", name="新城镇", type=UnitType.TOWN, parent=dataset.county
    )
    dataset.extra["town_d"] = Unit.objects.create(
        code="SFX-SL", name="山林镇", type=UnitType.TOWN, parent=dataset.county
    )
    return dataset


def test_each_band_is_counted_and_the_names_are_on_hover_and_in_the_excel(four_towns):
    target(four_towns.town_a, 29000)  # 100.0%: done
    target(four_towns.town_b, 18000)  # 50.0%: half
    target(four_towns.extra["town_c"], 10000)  # 0.0%: below half; 山林镇 has no target
    generated = generate(
        draft(four_towns.bureau, four_towns.city, distribution_unit_type=UnitType.TOWN), four_towns.bureau
    )
    block = distribution_block(generated.content)
    assert block["text"] == (
        "已完成协议引资年度任务的乡镇（街道）1个，完成一半以上的1个，完成不到一半的1个；"
        "另有1个乡镇（街道）未下达协议引资年度目标。"
    )
    assert block["title"] == (
        "已完成：城关镇（100.0%）；完成一半以上：河口镇（50.0%）；完成不到一半：新城镇（0.0%）；未下达目标：山林镇"
    )
    book = openpyxl.load_workbook(io.BytesIO(documents.render_xlsx(generated.content, generated.result)))
    rows = [[cell.value for cell in row] for row in book["任务完成分布"].iter_rows()]
    assert ["乡镇（街道）", "完成一半以上", "河口镇", 0.5] in rows  # a number, shown as a percentage
    assert ["乡镇（街道）", "未下达目标", "山林镇", "—"] in rows
    frozen = {item["label"]: item["unit"] for item in generated.numbers["lists"]["distribution_town"]}
    assert frozen == {"城关镇": "已完成", "河口镇": "完成一半以上", "新城镇": "完成不到一半", "山林镇": "未下达目标"}


def test_the_preview_shows_the_names_on_hover(four_towns, client):
    target(four_towns.town_a, 29000)
    bulletin = draft(four_towns.bureau, four_towns.city, distribution_unit_type=UnitType.TOWN)
    client.force_login(four_towns.bureau)
    page = client.get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    assert 'title="已完成：城关镇（100.0%）；未下达目标：河口镇、山林镇、新城镇"' in page
    assert "已下达协议引资年度目标的1个乡镇（街道）均已完成任务；另有3个乡镇（街道）未下达协议引资年度目标。" in page


def test_all_done_and_a_band_that_rounds_up_to_done(dataset):
    target(dataset.town_a, 20000)
    # 9000 of 9003.6 is 99.96%, shown as 100.0%: done, as the table shows it.
    target(dataset.town_b, "9003.6")
    content = generate(draft(dataset.bureau, dataset.county), dataset.bureau).content
    assert distribution_block(content)["text"] == "已下达协议引资年度目标的2个乡镇（街道）均已完成任务。"


def test_no_sentence_when_no_unit_of_the_kind_has_a_target(four_towns):
    target(four_towns.town_a, 29000, indicator=Indicator.FUNDS_IN_PLACE)  # another indicator's target
    content = generate(
        draft(four_towns.bureau, four_towns.county, distribution_unit_type=UnitType.TOWN), four_towns.bureau
    ).content
    assert distribution_block(content) is None
    assert not any("年度任务" in block["text"] for block in overview(content))
    funds = generate(
        draft(
            four_towns.bureau,
            four_towns.county,
            distribution_unit_type=UnitType.TOWN,
            distribution_indicator=Indicator.FUNDS_IN_PLACE,
        ),
        four_towns.bureau,
    ).content
    # 城关镇's 1600.5 万元 of 29000 is 5.5%.
    assert distribution_block(funds)["text"] == (
        "乡镇（街道）中尚无完成到位资金年度任务的，完成不到一半的1个；另有3个乡镇（街道）未下达到位资金年度目标。"
    )


def _row(name, completion):
    cell = SimpleNamespace(completion=None if completion is None else D(completion))
    return SimpleNamespace(unit=SimpleNamespace(name=name), cells={CONTRACTED: cell})


@pytest.mark.parametrize(
    ("bands", "sentence"),
    [
        (
            {"done": 9, "half": 11, "below": 3, "no_target": 0},
            "已完成协议引资年度任务的部门9个，完成一半以上的11个，完成不到一半的3个。",
        ),
        (
            {"done": 9, "half": 0, "below": 3, "no_target": 2},
            "已完成协议引资年度任务的部门9个，完成不到一半的3个；另有2个部门未下达协议引资年度目标。",
        ),
        ({"done": 0, "half": 2, "below": 0, "no_target": 0}, "部门中尚无完成协议引资年度任务的，完成一半以上的2个。"),
        (
            {"done": 4, "half": 0, "below": 0, "no_target": 1},
            "已下达协议引资年度目标的4个部门均已完成任务；另有1个部门未下达协议引资年度目标。",
        ),
        ({"done": 0, "half": 0, "below": 0, "no_target": 5}, None),
    ],
)
def test_the_sentence_leaves_out_empty_bands(bands, sentence):
    values = {"done": "1.2", "half": "0.6", "below": "0.1", "no_target": None}
    distribution = Distribution(
        UnitType.DEPARTMENT,
        CONTRACTED,
        **{band: [_row(f"{band}{n}", values[band]) for n in range(count)] for band, count in bands.items()},
    )
    assert distribution.sentence == sentence
    assert "0个" not in (distribution.sentence or "")
