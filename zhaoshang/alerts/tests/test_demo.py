"""The demo city's warnings: a mix of kinds and levels, built quickly and idempotently."""

from zhaoshang.alerts.demo import build_warnings
from zhaoshang.alerts.models import Warning, WarningScan
from zhaoshang.funds.demo import build_tranches
from zhaoshang.projects.demo import build_projects
from zhaoshang.stats.testing import rollup_rebuilt_once


def test_the_demo_scan_gives_yellow_and_red_warnings_and_runs_again_unchanged(personas):
    with rollup_rebuilt_once():  # the demo is not about keeping the roll-up write by write
        build_projects(personas.bureau, [personas.town_a, personas.town_b], per_unit=30)
    build_tranches(personas.bureau)
    count = build_warnings(personas.bureau)
    rows = set(Warning.objects.values_list("pk", "kind", "level", "status"))
    assert count == Warning.objects.filter(status="open").count() > 0
    assert {row[2] for row in rows} == {"yellow", "red"}
    assert len({row[1] for row in rows}) >= 3
    live = {p for p in Warning.objects.values_list("project_id", flat=True)}
    assert len(live) < 60, "not every project is in trouble"
    assert build_warnings(personas.bureau) == count
    assert set(Warning.objects.values_list("pk", "kind", "level", "status")) == rows
    assert WarningScan.objects.filter(source="demo", status="done").count() == 2
