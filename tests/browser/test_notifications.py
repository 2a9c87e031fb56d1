"""The bell: its count appears after the page loads, opening it lists the latest, and a
click leads to the notification's page and clears the count."""

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bell_counts_lists_and_leads_to_the_notification(page, personas):
    from zhaoshang.notifications.services import notify

    notify([personas.officer_a], "assignment", "交办：协调安泰项目用地指标", url="/notifications/preferences/")
    sign_in(page, "officer_a", personas.password)
    page.wait_for_selector("[data-testid=bell-count]")
    assert page.inner_text("[data-testid=bell-count]").strip() == "1"
    page.click("[data-testid=notification-bell] > a")
    page.wait_for_selector("#bell-menu-card")
    assert "交办：协调安泰项目用地指标" in page.inner_text("#bell-menu")
    page.click("#bell-menu a.list-group-item")
    page.wait_for_url("**/notifications/preferences/")
    page.wait_for_selector("#bell-count[data-unread='0']", state="attached")
    assert page.query_selector("[data-testid=bell-count]") is None
    assert page.problems.errors == []
