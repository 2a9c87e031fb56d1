"""A bulletin for a month not over yet says how far it goes (「截至7月4日」) and calls
nothing late that is only due after that day."""

import datetime

import pytest

from zhaoshang.bulletins.services import generate
from zhaoshang.bulletins.tests.factories import draft
from zhaoshang.projects.models import Project
from zhaoshang.stats import services as stats

pytestmark = pytest.mark.django_db


def texts(content, key):
    section = next(item for item in content["sections"] if item["key"] == key)
    return [block["text"] for block in section["blocks"] if block["type"] == "paragraph"]


def agreed(name, day):
    project = Project.objects.get(name=name)
    project.agreed_start_on = day
    project.save()
    return project


def test_a_bulletin_generated_on_the_fourth_is_marked_and_judges_lateness_on_that_day(dataset, monkeypatch):
    """GIVEN today is 4 July 2024 WHEN the 1—7月 bulletin is generated THEN it opens with
    「1—7月（截至7月4日）」 and lists P2 (due 1 July) as not started, but not P4 (due 10 July,
    late only by the end of the month)."""
    monkeypatch.setattr(stats, "today", lambda: datetime.date(2024, 7, 4))
    late = agreed("P2", datetime.date(2024, 7, 1))
    agreed("P4", datetime.date(2024, 7, 10))
    agreed("P6", datetime.date(2024, 12, 1))
    generated = generate(draft(dataset.bureau, dataset.city), dataset.bureau)

    assert texts(generated.content, "overview")[0].startswith("1—7月（截至7月4日），全市")
    assert generated.content["as_of"] == "2024-07-04"
    [sentence] = texts(generated.content, "not_started")
    assert sentence.startswith("截至7月4日，全市已签约但超过应开工日期仍未开工的项目1个")
    assert [item["key"] for item in generated.numbers["lists"]["not_started"]] == [late.code]
    section = next(item for item in generated.content["sections"] if item["key"] == "not_started")
    assert section["blocks"][1]["rows"][0][-1] == "3", "3 days late on 4 July, not 30 as on 31 July"
    assert "截至7月底" not in str(generated.content)

    # The same bulletin generated after the month is over judges on 31 July: P4 is late too.
    monkeypatch.setattr(stats, "today", lambda: datetime.date(2024, 8, 3))
    later = generate(draft(dataset.bureau, dataset.city, title="七月通报"), dataset.bureau)
    assert texts(later.content, "overview")[0].startswith("1—7月，全市")
    assert len(later.numbers["lists"]["not_started"]) == 2
