"""`manage.py stats --format csv` is opened in Excel like any export: a unit named like a
formula comes out as text, never as a formula."""

import csv
import io

import pytest
from django.core.management import call_command

from zhaoshang.accounts.models import Unit
from zhaoshang.core.context import acting_as

pytestmark = pytest.mark.django_db


def test_a_unit_named_like_a_formula_is_written_as_text(personas):
    with acting_as(personas.sysadmin):
        Unit.objects.create(code="EVIL", name='=HYPERLINK("http://x","点我")', type="town", parent=personas.county)
    out = io.StringIO()
    call_command("stats", "--year", "2024", "--months", "1-7", "--unit", "SFX", "--format", "csv", stdout=out)
    names = {row["unit_name"] for row in csv.DictReader(io.StringIO(out.getvalue()))}
    assert '\'=HYPERLINK("http://x","点我")' in names
    assert not any(name.startswith("=") for name in names)
