"""A number or a date no database can compare, typed into a URL, is refused in Chinese
instead of answering 500: ?project=10^23 on the funds, supervision and alerts lists, a
deadline at the end of the calendar."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HUGE = "9" * 23


@pytest.mark.parametrize("url", ["funds:list", "supervision:list", "alerts:list", "projects:list"])
@pytest.mark.parametrize("query", [f"project={HUGE}", f"unit={HUGE}", "date_from=9999-12-31", "min_total=1e400"])
def test_a_number_or_date_beyond_any_stored_value_is_answered_not_a_500(personas, client_for, url, query):
    response = client_for(personas.bureau).get(reverse(url) + "?" + query)
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["funds:list", "alerts:list"])
def test_a_huge_project_filter_is_said_in_chinese(personas, client_for, url):
    response = client_for(personas.bureau).get(reverse(url) + f"?project={HUGE}")
    assert "数值过大" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("raised_on=2026-01-05&time_limit=9999-12-31", "截止日期「9999-12-31」不合理"),
        ("raised_on=9999-12-31&time_limit=3", "提出日期「9999-12-31」不合理"),
    ],
)
def test_a_deadline_at_the_end_of_the_calendar_is_refused_in_chinese(personas, client_for, query, message):
    response = client_for(personas.officer_a).get(reverse("supervision:deadline_preview") + "?" + query)
    assert response.status_code == 200
    assert message in response.content.decode()
