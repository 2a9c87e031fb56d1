"""Wide tables stay readable: the statistics table keeps its header and unit column in place
while scrolling; the dashboard fits a phone; the kanban says how many columns it has."""

import pytest

from tests.browser.conftest import sign_in
from zhaoshang.dashboard.tests.conftest import year  # noqa: F401 (the hand-made year, as a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLE = "/stats/?year=2024&first=1&last=7"


def _box(page, selector):
    return page.evaluate(
        f"(() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect(); return [r.left, r.top]; }})()"
    )


def test_the_statistics_table_keeps_header_and_unit_column_in_place(page, year):  # noqa: F811
    page.set_viewport_size({"width": 900, "height": 500})
    sign_in(page, "bureau", year.password)
    page.goto(f"{page.base_url}{TABLE}&unit={year.county.pk}")
    scroller = "[data-testid=stats-scroll]"
    header = "[data-testid=stats-table] thead tr:last-child th:last-child"
    first_cell = "[data-testid=stats-table] tbody tr:first-child td:first-child"
    assert page.evaluate(
        f"document.querySelector('{scroller}').scrollWidth > document.querySelector('{scroller}').clientWidth"
    )
    header_before, cell_before = _box(page, header), _box(page, first_cell)
    page.evaluate(
        f"(() => {{ const s = document.querySelector('{scroller}'); s.scrollLeft = 400; s.scrollTop = 200; }})()"
    )
    page.wait_for_timeout(100)
    header_after, cell_after = _box(page, header), _box(page, first_cell)
    assert cell_after[0] == pytest.approx(cell_before[0], abs=1), "the unit column moved away when scrolled right"
    scroll_top = page.evaluate(f"document.querySelector('{scroller}').scrollTop")
    # The header row stays at the top of the scroller while the body moves under it.
    assert header_after[1] == pytest.approx(header_before[1], abs=1) or scroll_top == 0
    assert header_after[0] < header_before[0], "the header scrolls sideways with its columns"
    sticky = "getComputedStyle(document.querySelector('[data-testid=stats-table] thead')).position"
    assert page.evaluate(sticky) == "sticky"
    assert page.problems.errors == []


@pytest.mark.parametrize("width", [1366, 390])
def test_the_dashboard_never_overflows_the_page(page, year, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, "county_officer", year.password)
    page.goto(f"{page.base_url}/dashboard/?kind=ytd&year=2024&month=7")
    page.wait_for_function("window.zhaoshangDashboard && window.zhaoshangDashboard.charts.length > 0")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a {width}px screen"
    table = page.evaluate(
        "(() => { const t = document.querySelector('[data-testid=ranking-table]');"
        " return [t.scrollWidth, t.parentElement.clientWidth]; })()"
    )
    assert table[0] <= table[1], "the ranking table does not fit its card"
    # A KPI's figure and unit stay on one line.
    foreign = page.evaluate(
        "(() => { const a = document.querySelector('[data-testid=kpi-foreign_funds] [data-testid=kpi-value]');"
        " return a.getClientRects().length; })()"
    )
    assert foreign == 1
    assert page.problems.errors == []


def test_the_kanban_names_all_its_columns(page, year):  # noqa: F811
    sign_in(page, "bureau", year.password)
    page.goto(f"{page.base_url}/projects/kanban/")
    links = page.locator("[data-testid=kanban-columns] a")
    columns = page.locator("[data-testid=kanban-board] > div")
    assert links.count() == columns.count() >= 5
    assert page.problems.errors == []
