"""Error pages: in Chinese, in the product's look, with a way back; 500 without the database."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

pytestmark = pytest.mark.django_db

ENGLISH = ("Not Found", "Forbidden", "Server Error", "Bad Request", "CSRF verification failed", "requested resource")


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _assert_chinese_page_with_ways_back(response, status, heading):
    content = response.content.decode()
    assert response.status_code == status
    assert heading in content
    assert "返回上一页" in content and "回到首页" in content
    assert 'href="/static/vendor/tabler/css/tabler.min.css"' in content or "tabler.min" in content
    for text in ENGLISH:
        assert text not in content


def test_a_missing_page_says_so_in_chinese_and_keeps_the_sidebar(personas, client_for):
    response = client_for(personas.officer_a).get("/no-such-page/")
    _assert_chinese_page_with_ways_back(response, 404, "页面不存在")
    assert "项目库" in response.content.decode()  # the signed-in user keeps the sidebar


def test_an_object_outside_ones_scope_reads_as_not_found_in_chinese(personas, client_for):
    response = client_for(personas.officer_a).get(reverse("core:audit_list"))
    _assert_chinese_page_with_ways_back(response, 404, "页面不存在")


def test_the_way_back_leads_to_the_page_the_user_came_from_on_this_site_only(personas, client_for):
    client = client_for(personas.officer_a)
    came_from = client.get("/no-such-page/", HTTP_REFERER="http://testserver/projects/").content.decode()
    assert 'href="http://testserver/projects/" data-history-back' in came_from
    elsewhere = client.get("/no-such-page/", HTTP_REFERER="http://evil.example/").content.decode()
    assert "evil.example" not in elsewhere


def test_forbidden_shows_the_reason_written_for_users_but_not_framework_text(personas):
    request = RequestFactory().get("/")
    request.user = personas.officer_a
    handler = get_resolver().resolve_error_handler(403)
    response = handler(request, PermissionDenied("只有招商局可以合并项目。"))
    _assert_chinese_page_with_ways_back(response, 403, "没有权限")
    assert "只有招商局可以合并项目。" in response.content.decode()
    response = handler(request, PermissionDenied("You do not have permission"))
    assert "You do not have permission" not in response.content.decode()


def test_a_bad_request_says_so_in_chinese(personas):
    response = get_resolver().resolve_error_handler(400)(RequestFactory().get("/"), None)
    _assert_chinese_page_with_ways_back(response, 400, "请求无法处理")


def test_a_server_error_page_needs_neither_the_database_nor_a_user(django_assert_num_queries):
    request = RequestFactory().get("/")  # no user, no session
    with django_assert_num_queries(0):
        response = get_resolver().resolve_error_handler(500)(request)
    _assert_chinese_page_with_ways_back(response, 500, "系统出错了")


def test_a_failed_csrf_check_gives_the_chinese_page(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.officer_a)
    response = client.post(reverse("accounts:logout"))
    _assert_chinese_page_with_ways_back(response, 403, "页面已过期")
