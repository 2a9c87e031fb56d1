"""The project list's rows (built in Python by templatetags/project_list.py): what each cell
shows, the chosen columns, escaping, and the empty state."""

import datetime
import re

import pytest
from django.urls import reverse

from zhaoshang.projects.tests.factories import company, project

pytestmark = pytest.mark.django_db


def _rows(content: str) -> list[str]:
    body = content.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", body, flags=re.S)


def _cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]


def test_a_row_shows_what_the_ledger_clerk_reads(personas, client):
    investor = company("深圳安泰电子元件有限公司")
    signed = project(
        personas.officer_a,
        personas.town_a,
        name="安泰年产3亿片片式电容器项目",
        stage="signed",
        investor=investor,
        total="123456.5",
        signed_on=datetime.date(2024, 4, 12),
    )
    client.force_login(personas.bureau)
    response = client.get(reverse("projects:list"), {"cols": ["investor", "signed_on", "verification", "leader"]})
    (row,) = _rows(response.content.decode())
    assert f'href="{reverse("projects:detail", args=[signed.pk])}"' in row
    assert f'class="form-check-input row-check" type="checkbox" value="{signed.pk}"' in row  # bulk edit
    cells = _cells(row)
    assert cells[1].startswith("安泰年产3亿片片式电容器项目") and "重点" in cells[1] and signed.code in cells[1]
    assert cells[2:] == [
        personas.town_a.name,
        "深圳安泰电子元件有限公司",
        "123456.5",  # 万元, exact, without the stored precision's trailing zeros
        "签约",
        "未审核",  # signed is submitted, not verified yet
        "2024-04-12",
        "—",  # no responsible leader
    ]


def test_the_chosen_columns_and_dashes_for_what_is_missing(personas, client):
    missing = project(personas.officer_a, personas.town_a, name="无金额项目", total=None)
    client.force_login(personas.officer_a)
    response = client.get(reverse("projects:list"), {"cols": ["industry", "started_on"]})
    (row,) = _rows(response.content.decode())
    cells = _cells(row)
    assert cells[1] == f"无金额项目{missing.code}"  # no key badge, no warnings
    # unit, industry, amount, stage, start date: the chosen columns in order
    assert cells[2:] == [personas.town_a.name, "—", "—", "在谈", "—"]


def test_names_are_escaped(personas, client):
    project(personas.officer_a, personas.town_a, name='<script>alert("x")</script>项目')
    client.force_login(personas.officer_a)
    content = client.get(reverse("projects:list")).content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;项目" in content


def test_no_project_shows_the_empty_state(personas, client):
    client.force_login(personas.officer_a)
    content = client.get(reverse("projects:list")).content.decode()
    assert "没有符合条件的项目" in content
