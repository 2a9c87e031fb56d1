"""ProjectFilterSet: each filter of the list page and the export, on a small library."""

import datetime
from types import SimpleNamespace

import pytest
from django.http import QueryDict
from django.utils import timezone

from zhaoshang.projects.choices import Stage
from zhaoshang.projects.filtersets import ProjectFilterSet
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import return_event, verify_event
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.reference.choices import IndustryLevel
from zhaoshang.reference.models import Industry

pytestmark = pytest.mark.django_db


def industry(code, name, parent=None):
    level = IndustryLevel.SECTION if parent is None else IndustryLevel.DIVISION
    return Industry.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})[0]


@pytest.fixture
def library(personas):
    """Four projects: two in 城关镇, one in 河口镇, one of the county itself."""
    manufacturing = industry("C", "制造业")
    batteries = industry("38", "电气机械和器材制造业", manufacturing)
    logistics_section = industry("G", "交通运输、仓储和邮政业")
    logistics = industry("59", "装卸搬运和仓储业", logistics_section)
    capacitors = project(
        personas.officer_a,
        personas.town_a,
        name="安泰电容器项目",
        stage=Stage.SIGNED,
        total="500",
        investor=company("深圳安泰电子元件有限公司"),
        signed_on=datetime.date(2024, 4, 12),
        promotion_method="business_referral",
    )
    warehouse = project(
        personas.officer_b,
        personas.town_b,
        name="河口冷链物流园",
        total="5000",
        industry=logistics,
        leading_industry="现代物流",
        chain_tag="冷链物流",
        key_manual=True,
    )
    batteries_project = project(
        personas.officer_a,
        personas.town_a,
        name="城关新能源电池项目",
        stage=Stage.STARTED,
        investor=company("湖南锂动新能源有限公司"),
        total="60000",
        industry=batteries,
        leading_industry="新能源",
        chain_tag="储能电池",
        signed_on=datetime.date(2023, 6, 1),
        started_on=datetime.date(2024, 3, 1),
        promotion_method="industry_chain",
    )
    county = project(personas.county_officer, personas.county, name="县级大项目", total="150000")
    for event in capacitors.events.all():
        verify_event(personas.bureau, event)
    return_event(personas.bureau, batteries_project.events.get(stage=Stage.STARTED), "开工照片不清楚")
    return SimpleNamespace(capacitors=capacitors, warehouse=warehouse, batteries=batteries_project, county=county)


def names(user, query: str = "") -> list[str]:
    filterset = ProjectFilterSet(QueryDict(query), queryset=Project.objects.restrict(user), user=user)
    assert filterset.is_valid(), filterset.errors
    return sorted(project.name for project in filterset.qs)


ALL = sorted(["安泰电容器项目", "河口冷链物流园", "城关新能源电池项目", "县级大项目"])


def test_no_filter_shows_everything_in_scope(personas, library):
    assert names(personas.bureau) == ALL
    assert names(personas.officer_a) == ["城关新能源电池项目", "安泰电容器项目"]


def test_search_finds_by_name_investor_and_pinyin_initials(personas, library):
    assert names(personas.bureau, "q=冷链") == ["河口冷链物流园"]
    assert names(personas.bureau, "q=深圳安泰") == ["安泰电容器项目"]
    assert names(personas.bureau, "q=atdrq") == ["安泰电容器项目"]  # 安泰电容器
    assert names(personas.bureau, "q=城关 电池") == ["城关新能源电池项目"]  # every term must match
    assert names(personas.bureau, "q=城关 冷链") == []


def test_stage_accepts_several_stages(personas, library):
    assert names(personas.bureau, "stage=signed") == ["安泰电容器项目"]
    assert names(personas.bureau, "stage=signed&stage=started") == ["城关新能源电池项目", "安泰电容器项目"]


def test_verification_states(personas, library):
    # The battery project's 签约 claim still waits; its 开工 claim was returned.
    assert names(personas.bureau, "verification=pending") == ["城关新能源电池项目"]
    assert names(personas.bureau, "verification=returned") == ["城关新能源电池项目"]
    assert names(personas.bureau, "verification=has_verified") == ["安泰电容器项目"]
    assert names(personas.bureau, "verification=verified") == ["安泰电容器项目"]
    assert "安泰电容器项目" not in names(personas.bureau, "verification=unverified")
    assert names(personas.bureau, "verification=never") == sorted(
        ["河口冷链物流园", "城关新能源电池项目", "县级大项目"]
    )


def test_a_unit_means_its_whole_subtree(personas, library):
    assert names(personas.bureau, f"unit={personas.town_a.pk}") == ["城关新能源电池项目", "安泰电容器项目"]
    assert names(personas.bureau, f"unit={personas.county.pk}") == ALL
    assert names(personas.bureau, f"unit={personas.town_b.pk}") == ["河口冷链物流园"]


def test_an_officer_is_not_offered_other_towns_and_cannot_pick_them(personas, library):
    filterset = ProjectFilterSet(QueryDict(), queryset=Project.objects.none(), user=personas.officer_a)
    offered = set(filterset.form.fields["unit"].queryset)
    assert personas.town_a in offered and personas.town_b not in offered
    picked = ProjectFilterSet(
        QueryDict(f"unit={personas.town_b.pk}"), queryset=Project.objects.none(), user=personas.officer_a
    )
    assert not picked.is_valid()


def test_an_industry_section_means_its_divisions(personas, library):
    assert names(personas.bureau, "industry=C") == ["城关新能源电池项目"]
    assert names(personas.bureau, "industry=38") == ["城关新能源电池项目"]
    assert names(personas.bureau, "industry=G") == ["河口冷链物流园"]


def test_leading_industry_chain_and_promotion_method(personas, library):
    assert names(personas.bureau, "leading_industry=新能源") == ["城关新能源电池项目"]
    assert names(personas.bureau, "chain_tag=冷链物流") == ["河口冷链物流园"]
    assert names(personas.bureau, "promotion_method=business_referral") == ["安泰电容器项目"]


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("lt1000", ["安泰电容器项目"]),
        ("1000-10000", ["河口冷链物流园"]),
        ("1-5yi", []),
        ("5-10yi", ["城关新能源电池项目"]),
        ("ge10yi", ["县级大项目"]),
    ],
)
def test_amount_bands_on_total_investment(personas, library, band, expected):
    assert names(personas.bureau, f"amount={band}") == expected


def test_amount_band_edges_belong_to_the_higher_band(personas):
    project(personas.officer_a, personas.town_a, name="正好一亿", total="10000")
    assert names(personas.bureau, "amount=1-5yi") == ["正好一亿"]
    assert names(personas.bureau, "amount=1000-10000") == []


def test_date_ranges(personas, library):
    assert names(personas.bureau, "signed_from=2024-01-01") == ["安泰电容器项目"]
    assert names(personas.bureau, "signed_to=2023-12-31") == ["城关新能源电池项目"]
    assert names(personas.bureau, "started_from=2024-03-01&started_to=2024-03-01") == ["城关新能源电池项目"]
    long_ago = timezone.now() - datetime.timedelta(days=400)
    library.county.created_at = long_ago  # auto_now_add only fills it on creation
    library.county.save()
    cutoff = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert names(personas.bureau, f"created_to={cutoff}") == ["县级大项目"]
    assert "县级大项目" not in names(personas.bureau, f"created_from={cutoff}")


def test_key_projects(personas, library):
    assert names(personas.bureau, "is_key=true") == sorted(["河口冷链物流园", "城关新能源电池项目", "县级大项目"])
    assert names(personas.bureau, "is_key=false") == ["安泰电容器项目"]


def test_the_form_speaks_chinese(personas):
    filterset = ProjectFilterSet(QueryDict(), queryset=Project.objects.none(), user=personas.bureau)
    html = str(filterset.form)
    assert "全部单位" in html and "1000万元以下" in html and "form-select" in html
