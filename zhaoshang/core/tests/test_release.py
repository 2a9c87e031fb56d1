"""A user can tell which release they are on, and the release number is written once."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from zhaoshang import __version__

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def test_every_page_footer_names_the_release(personas, client):
    client.force_login(personas.officer_a)
    content = client.get(reverse("core:home")).content.decode()
    assert f"版本 {__version__}" in content


def test_the_login_page_names_the_release_too(client):
    assert f"版本 {__version__}" in client.get(reverse("accounts:login")).content.decode()


def test_pyproject_and_the_package_agree_on_the_release():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^version = "([^"]+)"', pyproject, re.M).group(1) == __version__


def test_the_changelog_has_a_section_for_the_release():
    assert f"## {__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_project_carries_its_licence_and_the_notice_of_what_it_ships():
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    notice = (ROOT / "NOTICE.md").read_text(encoding="utf-8")
    for vendored in sorted(p.name for p in (ROOT / "static" / "vendor").iterdir() if p.is_dir()):
        assert f"static/vendor/{vendored}/" in notice, vendored
    for data_file in ("divisions.csv.gz", "industries.csv", "industry_aliases.csv", "holidays.csv"):
        assert data_file in notice, data_file
