"""The same project reported twice is found and can be merged, with history kept."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from zhaoshang.core.models import AuditLog
from zhaoshang.projects.duplicates import find_duplicates, merge_projects, normalise_project_name
from zhaoshang.projects.models import FollowUp, Project
from zhaoshang.projects.services import add_follow_up
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.relations.normalise import normalise_company_name

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "written",
    [
        "深圳安泰电子元件有限公司",
        "深圳安泰电子元件 有限公司",
        "深圳安泰电子元件股份有限公司",
        "深圳安泰电子元件（有限公司）",
        "深圳安泰电子元件",
    ],
)
def test_company_names_normalise_past_legal_suffixes_brackets_and_spaces(written):
    assert normalise_company_name(written) == "深圳安泰电子元件"


def test_generic_words_do_not_make_project_names_alike():
    assert normalise_project_name(" 冷链物流园项目\n") == "冷链物流园"


def test_a_similar_project_of_the_same_investor_in_another_town_is_flagged(personas):
    investor = company("杭州鑫源新能源材料有限公司", uscc="91330100GUXYFML961")
    theirs = project(personas.officer_b, personas.town_b, name="鑫源年产2万吨锂电池正极材料项目", investor=investor)
    hints = find_duplicates(
        personas.officer_a, name="鑫源2万吨锂电池正极材料项目", investor_name="杭州鑫源新能源材料 有限公司"
    )
    assert [hint.project for hint in hints] == [theirs]
    assert hints[0].strong
    assert not hints[0].visible  # officer A learns the code and unit, not the details
    assert find_duplicates(personas.bureau, name="x", uscc="91330100GUXYFML961")[0].visible


def test_no_investor_no_hint(personas):
    project(personas.officer_b, personas.town_b)
    assert find_duplicates(personas.officer_a, name="安泰年产3亿片片式电容器项目") == []


def test_the_bureau_merges_a_duplicate_keeping_its_history(personas):
    investor = company()
    keep = project(personas.officer_a, personas.town_a, investor=investor)
    twin = project(personas.officer_b, personas.town_b, investor=investor)
    add_follow_up(
        personas.officer_b,
        twin,
        FollowUp(date=datetime.date(2024, 3, 1), kind="visit", content="赴深圳拜访企业"),
    )
    with pytest.raises(PermissionDenied):
        merge_projects(personas.officer_a, keep, twin)
    merge_projects(personas.bureau, keep, twin, reason="两镇重复上报")
    twin.refresh_from_db()
    assert twin.merged_into == keep and twin.stage == "dropped"
    assert keep.follow_ups.count() == 1
    assert AuditLog.objects.filter(action="merge", object_id=str(keep.pk)).exists()
    assert find_duplicates(personas.bureau, name=keep.name, investor_name=investor.name, exclude_pk=keep.pk) == []
    assert Project.objects.filter(merged_into__isnull=True).count() == 1
