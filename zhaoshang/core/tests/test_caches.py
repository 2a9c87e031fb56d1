"""Caches stay correct when several application servers share one database: nothing a
process keeps for itself may go stale when another server changes the data.

A process-local cache is allowed only for values that are a pure function of their key
(text normalisation, a model's field list) or, like the dropdown markup, keyed by the very
rows read from the database on every request. Every such cache is listed here with the
reason it is correct, so a new one must be argued for."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from zhaoshang.accounts.choices import UnitType
from zhaoshang.accounts.models import Unit

ROOT = Path(__file__).resolve().parents[2]

# file → names of process-local caches in it, and why each is correct across servers.
ALLOWED_CACHES = {
    "core/forms.py": {"_OPTION_CACHE"},  # keyed by the (value, label) rows read on each render
    "core/search.py": {"_plain", "_pinyin_pair"},  # pinyin of a text: a pure function
    "relations/normalise.py": {"normalise_company_name"},  # a pure function of the name
    "core/models.py": {"_logged_fields"},  # a model class's fields: fixed by the code
    "core/crypto.py": {"_fernet"},  # keyed by the configured keys themselves
    "stats/facts.py": {"months_to_december"},  # the months left in a year: a pure function
}


def _caches_in(source: str) -> set[str]:
    """Functions decorated with lru_cache/cache and module-level names bound to {} or dict()."""
    found = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                if name in ("lru_cache", "cache"):
                    found.add(node.name)
        targets = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        empty = isinstance(value, ast.Dict) and not value.keys if targets else False
        empty = empty or (targets and isinstance(value, ast.Call) and getattr(value.func, "id", "") == "dict")
        if empty:
            found.update(target.id for target in targets if isinstance(target, ast.Name) and "CACHE" in target.id)
    return found


def test_every_process_local_cache_is_one_that_cannot_go_stale():
    unexpected = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative:
            continue
        caches = _caches_in(path.read_text(encoding="utf-8")) - ALLOWED_CACHES.get(relative, set())
        if caches:
            unexpected[relative] = sorted(caches)
    assert unexpected == {}, (
        "A process-local cache is private to one application server and goes stale when another "
        "server changes the data; use versioned keys kept in the database or Django's cache "
        "framework with a shared backend (docs/deploy.md), or argue here why it is correct."
    )


def test_the_cache_check_sees_decorated_functions_and_module_dicts():
    source = "import functools\n@functools.lru_cache(maxsize=8)\ndef units(): ...\n_UNIT_CACHE = {}\n"
    assert _caches_in(source) == {"units", "_UNIT_CACHE"}


@pytest.mark.django_db
def test_a_unit_renamed_through_another_server_shows_in_this_servers_dropdown_next_request(personas, client):
    # Enough units for the dropdown markup to be cached (FastSelect caches 200 or more options).
    for number in range(220):
        Unit.objects.create(
            code=f"SFX-C{number:03d}", name=f"第{number:03d}专班", type=UnitType.INDUSTRY_TEAM, parent=personas.county
        )
    client.force_login(personas.bureau)
    url = reverse("projects:list")
    assert "第007专班" in client.get(url).content.decode()
    # The other server renames it: a plain UPDATE, so nothing in this process hears of it.
    Unit._base_manager.filter(code="SFX-C007").update(name="第七专班（更名）")
    page = client.get(url).content.decode()
    assert "第七专班（更名）" in page and "第007专班" not in page
