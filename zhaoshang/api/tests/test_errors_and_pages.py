"""Every answer that is not a success is JSON with a code and a Chinese message; cursor
pages walk the whole list once, whatever changes meanwhile."""

import re

import pytest

from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def assert_chinese_error(answer, status, code):
    assert answer.status_code == status, answer.content
    assert answer["Content-Type"].startswith("application/json")
    body = answer.json()
    assert body["code"] == code and CHINESE.search(body["message"]), body


def test_errors_are_json_in_chinese(personas, token_for, call, client):
    token = token_for(personas.officer_a)
    mine = project(personas.officer_a, personas.town_a)
    assert_chinese_error(call(token, "get", "/api/v1/no-such-thing"), 404, "not_found")
    assert_chinese_error(call(token, "get", "/api/v1/projects/99999"), 404, "not_found")
    assert_chinese_error(call(token, "get", "/api/v1/projects/abc"), 422, "invalid")
    assert_chinese_error(call(token, "delete", f"/api/v1/projects/{mine.pk}"), 405, "method_not_allowed")
    assert_chinese_error(call(token, "get", "/api/v1/projects", {"limit": "1000"}), 422, "invalid")
    assert_chinese_error(call(token, "get", "/api/v1/projects", {"sort": "price"}), 422, "invalid")
    assert_chinese_error(call(token, "get", "/api/v1/projects", {"signed_from": "昨天"}), 422, "invalid")
    assert_chinese_error(call(token, "get", "/api/v1/projects", {"cursor": "not-a-cursor"}), 400, "bad_cursor")
    assert_chinese_error(call(token, "get", "/api/v1/stats/table", {"first": "7", "last": "3"}), 422, "invalid")
    url = f"/api/v1/projects/{mine.pk}/follow-ups"
    assert_chinese_error(call(token, "post", url, "{not json"), 400, "bad_request")
    assert_chinese_error(call(token, "post", url, ["a list"]), 422, "invalid")
    assert_chinese_error(
        call(token, "post", url, {"date": "2024-13-01", "kind": "call", "content": "x"}), 422, "invalid"
    )
    assert_chinese_error(call(None, "get", "/api/v1/me"), 401, "unauthenticated")
    assert_chinese_error(call("Basic abc", "get", "/api/v1/me"), 401, "token_invalid")


def test_a_crash_is_json_not_an_html_page(personas, token_for, call, monkeypatch):
    from zhaoshang.api import api as module

    def broken(user):
        raise RuntimeError("boom")

    monkeypatch.setattr(module, "unit_out", broken)
    answer = call(token_for(personas.officer_a), "get", "/api/v1/me")
    assert_chinese_error(answer, 500, "server_error")
    assert "boom" not in answer.content.decode()


def test_a_locked_database_is_503_with_retry_after(personas, token_for, call, monkeypatch):
    from django.db import OperationalError

    from zhaoshang.api import api as module

    def locked(user):
        raise OperationalError("database is locked")

    monkeypatch.setattr(module, "unit_out", locked)
    answer = call(token_for(personas.officer_a), "get", "/api/v1/me")
    assert_chinese_error(answer, 503, "busy")
    assert answer["Retry-After"] == "5"


def test_cursor_pages_walk_every_project_once(personas, token_for, call):
    for number in range(7):
        project(personas.officer_a, personas.town_a, name=f"项目{number}")
    token = token_for(personas.officer_a)
    for sort in ("-updated", "updated", "-created", "name"):
        seen, url, pages = [], f"/api/v1/projects?limit=3&sort={sort}", 0
        while url:
            body = call(token, "get", url).json()
            seen += [row["name"] for row in body["results"]]
            url = body["next"]
            pages += 1
            if url:
                assert url.startswith("http://testserver/api/v1/projects?") and "limit=3" in url
        assert sorted(seen) == sorted(f"项目{n}" for n in range(7)) and pages == 3, sort
    names = [row["name"] for row in call(token, "get", "/api/v1/projects?sort=name&limit=10").json()["results"]]
    assert names == sorted(names)


def test_a_cursor_of_one_sort_is_refused_for_another(personas, token_for, call):
    for number in range(3):
        project(personas.officer_a, personas.town_a, name=f"项目{number}")
    token = token_for(personas.officer_a)
    following = call(token, "get", "/api/v1/projects?limit=1").json()["next"]
    cursor = re.search(r"cursor=([^&]+)", following).group(1)
    answer = call(token, "get", f"/api/v1/projects?limit=1&sort=name&cursor={cursor}")
    assert_chinese_error(answer, 400, "bad_cursor")


def test_filters_are_the_lists(personas, token_for, call):
    project(personas.officer_a, personas.town_a, name="签约项目", stage="signed")
    project(personas.officer_a, personas.town_a, name="在谈项目")
    token = token_for(personas.officer_a)
    rows = call(token, "get", "/api/v1/projects", {"stage": "signed"}).json()["results"]
    assert [row["name"] for row in rows] == ["签约项目"]
    assert rows[0]["total_investment"] == "50000" and rows[0]["stage_label"] == "签约"


def test_the_statistics_table_has_exact_strings_and_its_rules(personas, token_for, call):
    project(personas.officer_a, personas.town_a, name="签约项目", stage="signed")
    body = call(token_for(personas.bureau), "get", "/api/v1/stats/table", {"year": 2024, "first": 1, "last": 12}).json()
    assert body["rules"] and all(CHINESE.search(rule) for rule in body["rules"])
    codes = [indicator["code"] for indicator in body["indicators"]]
    assert "signed_count" in codes
    for row in body["rows"]:
        for cell in row["cells"].values():
            assert cell["value"] is None or isinstance(cell["value"], str)
