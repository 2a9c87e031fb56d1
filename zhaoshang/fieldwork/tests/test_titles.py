"""The leader's level read from the title through the seeded table, and the leader cell."""

import pytest

from zhaoshang.fieldwork.choices import LeaderLevel
from zhaoshang.fieldwork.services import level_for_title, split_leader

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("县委书记", LeaderLevel.SENIOR),
        ("副县长", LeaderLevel.SENIOR),
        ("常务副县长", LeaderLevel.SENIOR),
        ("县委副书记", LeaderLevel.SENIOR),
        ("县人大常委会主任", LeaderLevel.SENIOR),
        ("县政协副主席", LeaderLevel.SENIOR),
        ("镇党委书记", LeaderLevel.UNIT_HEAD),
        ("镇党委副书记", LeaderLevel.OTHER),
        ("镇长", LeaderLevel.UNIT_HEAD),
        ("副镇长", LeaderLevel.OTHER),
        ("县商务局局长", LeaderLevel.UNIT_HEAD),
        ("县商务局副局长", LeaderLevel.OTHER),
        ("经开区管委会主任", LeaderLevel.UNIT_HEAD),
        ("招商专员", LeaderLevel.OTHER),
        ("", LeaderLevel.OTHER),
    ],
)
def test_level_from_title(title, level):
    assert level_for_title(title) == level


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("张三（副县长）", ("张三", "副县长")),
        ("张三(副县长)", ("张三", "副县长")),
        (" 李四 （ 镇党委书记 ） ", ("李四", "镇党委书记")),
        ("王五 副镇长", ("王五", "副镇长")),
        ("赵六", ("赵六", "")),
    ],
)
def test_leader_cell(cell, expected):
    assert split_leader(cell) == expected
