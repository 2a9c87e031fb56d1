"""The generic scope check: no object URL shows another town's object."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zhaoshang.testing import collect_admin_only_urls, collect_scope_checks, collect_shared_checks

OBJECT_KWARGS = {"pk", "id", "object_id", "file_id"}


def _object_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    names = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            child_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names.extend(_object_url_names(entry, child_ns))
        elif isinstance(entry, URLPattern) and entry.name:
            if OBJECT_KWARGS & set(entry.pattern.converters):
                names.append(f"{namespace}{entry.name}")
    return names


def test_every_object_url_is_listed_for_the_scope_check():
    checks = collect_scope_checks() + collect_shared_checks()
    listed = {check.url_name for check in checks} | collect_admin_only_urls()
    missing = sorted(set(_object_url_names()) - listed)
    assert not missing, f"add these URLs to their app's tests/scope.py: {missing}"


@pytest.mark.parametrize("check", collect_scope_checks(), ids=lambda check: check.url_name)
def test_an_officer_of_town_a_gets_404_for_town_b_objects(check, personas, client):
    url = reverse(check.url_name, kwargs=check.make(personas))
    client.force_login(personas.officer_a)
    response = getattr(client, check.method)(url)
    assert response.status_code == 404, f"{url} answered {response.status_code} to another town's officer"


@pytest.mark.parametrize("check", collect_scope_checks(), ids=lambda check: check.url_name)
def test_the_owning_officer_can_open_their_own_object(check, personas, client):
    url = reverse(check.url_name, kwargs=check.make(personas))
    client.force_login(personas.officer_b)
    response = getattr(client, check.method)(url)
    assert response.status_code in (200, 302), f"{url} answered {response.status_code} to its own officer"


@pytest.mark.parametrize("url_name", sorted(collect_admin_only_urls()))
def test_admin_only_urls_refuse_every_officer(url_name, personas, client):
    # Even the officer's own account is not theirs to administer: an officer must
    # neither reach these pages nor learn whether an id exists.
    client.force_login(personas.officer_a)
    for pk in (personas.officer_a.pk, personas.officer_b.pk):
        url = reverse(url_name, kwargs={"pk": pk})
        assert client.get(url).status_code in (404, 405), f"GET {url} reached by an officer"
        assert client.post(url).status_code in (403, 404, 405), f"POST {url} reached by an officer"


@pytest.mark.parametrize("check", collect_shared_checks(), ids=lambda check: check.url_name)
def test_shared_urls_are_read_by_business_users_only(check, personas, client):
    url = reverse(check.url_name, kwargs=check.make(personas))
    for name in check.shared_with:
        user = getattr(personas, name)
        client.force_login(user)
        assert getattr(client, check.method)(url).status_code == 200, f"{url} refused {user.username}"
    for user in (personas.sysadmin, personas.auditor):
        client.force_login(user)
        assert getattr(client, check.method)(url).status_code == 404, f"{url} answered {user.username}"
