"""客商来源: 市外 / 省外 / 境外 against the deployment's division, and the bureau's groups.

The deployment is 金华市 (3307, 浙江). Hand-worked: 杭州 (3301) is 市外 + 沪苏浙; 金华's own
district (330702) is nothing; 上海 (31) is 省外 + 市外 + 沪苏浙; 深圳 (4403) 省外 + 粤港澳;
a 香港 firm (abroad 81) 境外 + 省外 + 市外 + 粤港澳; a Singapore firm (国外) 境外 + 省外 + 市外;
a firm given only as 浙江省 says nothing about the city; a 外资 firm with no home says nothing.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhaoshang.projects.filtersets import ProjectFilterSet
from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.factories import project
from zhaoshang.reference.models import Division, OriginGroup
from zhaoshang.relations.models import Company
from zhaoshang.relations.origin import origin_of, origin_q


@pytest.fixture
def home(settings):
    settings.HOME_DIVISION = "3307"


def _division(code, name, level, parent=None):
    return Division.objects.create(code=code, name=name, level=level, parent=parent, province_code=code[:2])


@pytest.fixture
def firms(db, home, personas):
    zhejiang = _division("33", "浙江省", 1)
    shanghai = _division("31", "上海市", 1)
    guangdong = _division("44", "广东省", 1)
    places = {
        "杭州": _division("3301", "杭州市", 2, zhejiang),
        "婺城": _division("330702", "婺城区", 3, _division("3307", "金华市", 2, zhejiang)),
        "上海": shanghai,
        "深圳": _division("4403", "深圳市", 2, guangdong),
        "浙江": zhejiang,
    }
    made = {
        name: Company.objects.create(
            name=f"{name}投资有限公司", home_division=division, created_by_unit=personas.town_a
        )
        for name, division in places.items()
    }
    made["香港"] = Company.objects.create(name="香港投资有限公司", abroad="81", created_by_unit=personas.town_a)
    made["新加坡"] = Company.objects.create(
        name="新加坡投资有限公司", abroad="foreign", created_by_unit=personas.town_a
    )
    made["外资未填"] = Company.objects.create(name="某外资有限公司", nature="foreign", created_by_unit=personas.town_a)
    return made


EXPECTED = {
    "杭州": {"市外", "沪苏浙"},  # 浙江 is in the group; only 金华 itself is not "from" it
    "婺城": set(),
    "上海": {"市外", "省外", "沪苏浙"},
    "深圳": {"市外", "省外", "粤港澳"},
    "浙江": set(),
    "香港": {"市外", "省外", "境外", "粤港澳"},
    "新加坡": {"市外", "省外", "境外"},
    "外资未填": set(),
}


def test_origin_of_each_firm_as_worked_by_hand(firms):
    assert {name: origin_of(firm) for name, firm in firms.items()} == EXPECTED


def test_the_query_agrees_with_origin_of_for_every_label(firms):
    for label in ("市外", "省外", "境外", "沪苏浙", "京津冀", "粤港澳"):
        found = set(Company.objects.filter(origin_q(label)).values_list("name", flat=True))
        assert found == {firms[name].name for name, labels in EXPECTED.items() if label in labels}, label


def test_a_province_level_deployment_counts_outside_the_city_as_outside_the_province(firms, settings):
    settings.HOME_DIVISION = "33"
    assert origin_of(firms["杭州"]) == set()
    assert origin_of(firms["上海"]) == {"市外", "省外", "沪苏浙"}
    assert not Company.objects.filter(origin_q("市外"), name=firms["杭州"].name).exists()


def test_a_group_the_bureau_edits_counts_at_once(firms):
    group = OriginGroup.objects.get(name="沪苏浙")
    group.province_codes = ["32"]
    group.save()
    assert "沪苏浙" not in origin_of(firms["上海"])
    assert not Company.objects.filter(origin_q("沪苏浙")).exists()


def test_the_three_groups_are_seeded(db):
    assert {group.name: group.province_codes for group in OriginGroup.objects.all()} == {
        "沪苏浙": ["31", "32", "33"],
        "京津冀": ["11", "12", "13"],
        "粤港澳": ["44", "81", "82"],
    }


def test_a_firm_cannot_be_both_mainland_and_abroad(firms):
    firm = firms["杭州"]
    firm.abroad = "81"
    with pytest.raises(ValidationError) as error:
        firm.full_clean()
    assert "境外企业不填境内来源地" in str(error.value)


def test_the_project_filter_by_origin_on_the_list(firms, personas, client):
    for name in ("杭州", "上海", "香港"):
        project(personas.officer_a, personas.town_a, name=f"{name}客商项目", stage="signed", investor=firms[name])
    project(personas.officer_a, personas.town_a, name="无投资方项目")

    def names(value):
        filterset = ProjectFilterSet({"investor_origin": value}, queryset=Project.objects.all(), user=personas.bureau)
        return set(filterset.qs.values_list("name", flat=True))

    assert names("市外") == {"杭州客商项目", "上海客商项目", "香港客商项目"}
    assert names("省外") == {"上海客商项目", "香港客商项目"}
    assert names("境外") == {"香港客商项目"}
    assert names("沪苏浙") == {"杭州客商项目", "上海客商项目"}
    assert names("粤港澳") == {"香港客商项目"}

    client.force_login(personas.bureau)
    page = client.get(reverse("projects:list"), {"investor_origin": "省外"}).content.decode()
    assert "上海客商项目" in page and "香港客商项目" in page and "杭州客商项目" not in page
    assert "来自沪苏浙" in page  # the groups are offered


def test_the_bureau_edits_groups_and_an_officer_cannot(db, personas, client):
    client.force_login(personas.bureau)
    answer = client.post(
        reverse("reference:origin_group_create"), {"name": "长三角", "province_codes": ["34", "31"], "sort_order": 4}
    )
    assert answer.status_code == 302
    group = OriginGroup.objects.get(name="长三角")
    assert group.province_codes == ["31", "34"]
    assert "上海、安徽" in client.get(reverse("reference:origin_group_list")).content.decode()
    answer = client.post(reverse("reference:origin_group_create"), {"name": "省外", "province_codes": ["31"]})
    assert "已是客商来源的固定分类" in answer.content.decode()
    answer = client.post(reverse("reference:origin_group_create"), {"name": "空组"})
    assert "请至少选择一个省级地区" in answer.content.decode()
    assert not OriginGroup.objects.filter(name__in=["省外", "空组"]).exists()

    client.force_login(personas.officer_a)
    assert client.get(reverse("reference:origin_group_edit", args=[group.pk])).status_code == 404
    assert client.post(reverse("reference:origin_group_delete", args=[group.pk])).status_code == 404
    client.force_login(personas.bureau)
    assert client.post(reverse("reference:origin_group_delete", args=[group.pk])).status_code == 302
    assert not OriginGroup.objects.filter(name="长三角").exists()


def test_a_merge_takes_the_origin_whole_and_only_when_the_survivor_has_none(firms, personas):
    from zhaoshang.relations.services import merge_companies

    keep = merge_companies(personas.bureau, firms["香港"], firms["上海"], reason="同一企业")
    keep.refresh_from_db()
    assert (keep.abroad, keep.home_division_id) == ("81", None)
    keep = merge_companies(personas.bureau, firms["外资未填"], firms["新加坡"], reason="同一企业")
    keep.refresh_from_db()
    assert origin_of(keep) == {"市外", "省外", "境外"}
