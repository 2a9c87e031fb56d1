"""The project list's 客商来源 filter through the API: the same FilterSet as the page
(relations/tests/test_origin.py works the rule by hand)."""

import pytest

from zhaoshang.projects.tests.factories import project
from zhaoshang.reference.models import Division
from zhaoshang.relations.models import Company

pytestmark = pytest.mark.django_db


def test_investor_origin_filters_the_api_list(personas, token_for, call, settings):
    settings.HOME_DIVISION = "3307"
    shanghai = Division.objects.create(code="31", name="上海市", level=1, province_code="31")
    firms = {
        "上海": Company.objects.create(name="上海投资有限公司", home_division=shanghai),
        "香港": Company.objects.create(name="香港投资有限公司", abroad="81"),
    }
    for name, firm in firms.items():
        project(personas.officer_a, personas.town_a, name=f"{name}客商项目", stage="signed", investor=firm)
    project(personas.officer_a, personas.town_a, name="无投资方项目")
    token = token_for(personas.officer_a)

    def names(value):
        answer = call(token, "get", "/api/v1/projects", {"investor_origin": value})
        assert answer.status_code == 200
        return sorted(row["name"] for row in answer.json()["results"])

    assert names("省外") == ["上海客商项目", "香港客商项目"]
    assert names("境外") == ["香港客商项目"]
    assert names("粤港澳") == ["香港客商项目"]
    assert names("沪苏浙") == ["上海客商项目"]
