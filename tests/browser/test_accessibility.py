"""The bureau's business pages pass axe-core (WCAG 2.0/2.1 A and AA, GB/T 37668-2019):
every control is named, text is readable against its background, each page has one main
landmark and an h1, and the dashboard's charts and rule icons use ARIA correctly. The pages
meant for phones pass at phone width too.

Every browser test also checks each page it visits (tests/browser/conftest.py); this one
visits the ten business pages on purpose, with rows in every list so badges and filters
are on screen."""

import datetime
from decimal import Decimal

import pytest

from tests.browser.conftest import axe_violations, describe_violations, sign_in
from zhaoshang.dashboard.tests.conftest import year  # noqa: F401 (the hand-made year, as a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUSINESS_PAGES = [
    "/",
    "/projects/",
    "/projects/{p1}/",
    "/projects/kanban/",
    "/dashboard/?kind=ytd&year=2024&month=7",
    "/stats/?year=2024&first=1&last=7",
    "/funds/",
    "/alerts/",
    "/supervision/",
    "/bulletins/",
    "/bulletins/honour-rules/",
    "/bulletins/honour-rules/new/",
    "/reference/origin-groups/",
    "/reference/origin-groups/new/",
    "/assessment/",
    "/companies/",
    "/companies/contacts/",
    "/companies/contacts/new/",
    "/companies/interactions/",
    "/companies/interactions/new/",
    "/companies/intermediaries/",
    "/companies/search/?q=a",
]
PHONE_PAGES = ["/", "/projects/{p1}/", "/dashboard/?kind=ytd&year=2024&month=7"]


@pytest.fixture
def business(year):  # noqa: F811
    """The dashboard's year, with a problem, a warning, a bulletin draft and a scheme."""
    from zhaoshang.alerts.services import scan
    from zhaoshang.assessment.models import AssessmentScheme
    from zhaoshang.assessment.services import save_scheme
    from zhaoshang.bulletins.tests.factories import draft
    from zhaoshang.stats.choices import Indicator
    from zhaoshang.supervision.tests.factories import problem_of

    p1 = year.extra["p1"]
    p1.is_key = True
    p1.save()
    problem_of(year.officer_a, p1, raised_on=datetime.date(2024, 7, 1), time_limit="2024-07-31")
    scan(today=datetime.date(2024, 12, 31))
    draft(year.bureau, year.county)
    save_scheme(
        year.bureau,
        AssessmentScheme(name="乡镇招商考核", year=2024, parent=year.county, selection="children"),
        [(Indicator.CONTRACTED_INVESTMENT, Decimal(100))],
        [],
    )
    return year


def _blocking_violations(page, paths, p1) -> dict[str, list[dict]]:
    found = {}
    for path in paths:
        page.audit_accessibility = False  # checked below, every page, to report them together
        page.goto(page.base_url + path.format(p1=p1.pk))
        page.wait_for_load_state("networkidle")
        blocking = [v for v in axe_violations(page) if v["impact"] in ("critical", "serious")]
        if blocking:
            found[path] = blocking
    return found


def _report(found) -> str:
    return "\n".join(f"{path}:\n{describe_violations(violations)}" for path, violations in found.items())


def test_the_bureau_s_business_pages_pass_axe(page, business):
    sign_in(page, "bureau", business.password)
    found = _blocking_violations(page, BUSINESS_PAGES, business.extra["p1"])
    assert not found, _report(found)
    assert page.problems.errors == []


def test_the_pages_meant_for_phones_pass_axe_at_phone_width(page, business):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "bureau", business.password)
    found = _blocking_violations(page, PHONE_PAGES, business.extra["p1"])
    assert not found, _report(found)


def test_each_business_page_has_one_main_landmark_an_h1_and_a_named_menu(page, business):
    sign_in(page, "bureau", business.password)
    for path in BUSINESS_PAGES:
        page.goto(page.base_url + path.format(p1=business.extra["p1"].pk))
        assert page.locator("main").count() == 1, path
        assert page.locator("h1").count() >= 1, path
        assert page.locator("nav[aria-label='主菜单']").count() == 1, path


def test_the_project_list_filters_are_named_for_screen_readers(page, business):
    sign_in(page, "bureau", business.password)
    page.goto(f"{page.base_url}/projects/")
    for role, name in [
        ("combobox", "审核状态"),
        ("combobox", "重点项目"),
        ("combobox", "单位"),
        ("combobox", "协议总投资"),
        ("textbox", "主导产业"),
        ("textbox", "产业链"),
    ]:
        assert page.get_by_role(role, name=name, exact=True).count() == 1, name
    assert page.get_by_role("combobox", name="审核状态", exact=True).locator("option").first.inner_text() == "全部"
