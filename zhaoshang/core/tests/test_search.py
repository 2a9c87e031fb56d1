"""Search text: the fast pinyin reading must stay the reading pypinyin gives."""

import csv
import json
from pathlib import Path

from pypinyin import Style, lazy_pinyin

from zhaoshang.core.search import build_search_text, pinyin_full, pinyin_initials, search_terms

SAMPLES = Path(__file__).resolve().parents[2] / "imports" / "tests" / "samples"


def sample_names() -> list[str]:
    names = set()
    for expected in (SAMPLES / "expected").glob("*.json"):
        data = json.loads(expected.read_text(encoding="utf-8"))
        for row in data if isinstance(data, list) else data.get("rows", data.get("tranches", [])):
            for key in ("name", "investor", "project_name", "leader"):
                if isinstance(row.get(key), str):
                    names.add(row[key])
    with open(SAMPLES / "units.csv", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            names.update(cell for cell in row if cell)
    return sorted(names)


def test_readings_equal_pypinyin_on_every_name_in_the_sample_ledgers():
    names = [*sample_names(), "重庆长安汽车", "绿色银行", "长江存储", "女儿红酒业", "（宁波）长城精工"]
    # Digits and letters among the characters, and codes with no Chinese at all.
    names += ["基准项目00001号", "重庆2号长安汽车", "ABC银行x长江", "SFX-CG-2024-0007", "91440300MA5F1234X8", "长安"]
    assert len(names) > 50
    for name in names:
        assert pinyin_initials(name) == "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower(), name
        assert pinyin_full(name) == "".join(lazy_pinyin(name)).lower(), name


def test_a_project_is_found_by_initials_full_pinyin_and_characters():
    text = build_search_text("安泰电容项目", "重庆长安汽车股份有限公司")
    for query in ("安泰", "atdr", "antaidianrong", "cqca", "chongqing"):
        assert all(term in text for term in search_terms(query)), query


def test_a_renamed_unit_shows_its_new_name_in_every_unit_dropdown(personas, client):
    """Unit dropdowns are kept rendered between requests; any unit edit must refresh them."""
    import pytest  # noqa: F401 - django_db via the personas fixture
    from django.urls import reverse

    from zhaoshang.accounts.models import Unit

    client.force_login(personas.bureau)
    assert personas.town_a.name in client.get(reverse("projects:list")).content.decode()
    unit = Unit.objects.get(pk=personas.town_a.pk)
    unit.name = "城关街道"
    unit.save()
    page = client.get(reverse("projects:list"), {"unit": unit.pk}).content.decode()
    assert f'<option value="{unit.pk}" selected>城关街道</option>' in page
