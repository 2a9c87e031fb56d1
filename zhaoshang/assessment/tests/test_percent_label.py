"""A field whose label holds a "%" (完成率封顶（%）) answers bad input with its Chinese message:
Django %-formats a message that came with params, and "NaN" made it raise (a 500)."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["NaN", "1.234567", "99999999999", "abc", "1e400"])
def test_a_bad_cap_is_answered_in_chinese(personas, client, value):
    client.force_login(personas.bureau)
    answer = client.post("/assessment/schemes/new/", {"cap_percent": value, "year": "2024", "total_points": "100"})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "完成率封顶" in page and "%%" not in page
