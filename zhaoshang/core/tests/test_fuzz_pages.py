"""Fuzzing every page's filter parameters and every create form (issue 13 item 15).

The pages are found, not listed: every URL without an argument is opened as each business
persona, the names of its GET form's fields (filters, period pickers) and of its POST forms'
fields are read from the page, and hypothesis sends them values clerks and scripts send —
huge integers, impossible dates, control characters, markup, empty and very long text.
Whatever arrives, no answer is a 500; a refused form answers in Chinese and saves nothing.
"""

import re

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhaoshang.projects.models import FollowUp, Project
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db


def fuzz(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# What a clerk, a browser's autofill or a probing script puts into a field.
values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "9999-12-31",
            "0001-01-01",
            "2026-02-30",
            "1e400",
            "NaN",
            "１２，５００",
            "\x1b[31m",
            "\x00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "全部",
            "x" * 600,
            "99999999999999999999999",
        ]
    ),
)

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.I)
SKIP_NAMES = {"csrfmiddlewaretoken", "token", "page", "next", "back"}
# Pages that are not lists or forms a user fills: leaving, downloads of whole registries.
SKIP_PATHS = ("/accounts/logout/", "/accounts/sso/", "/accounts/mfa/")


def _argument_free_paths() -> list[str]:
    paths = []

    def walk(resolver, prefix="", namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.converters:
                if "<" in str(entry.pattern) or "(" in str(entry.pattern):
                    continue
                try:
                    paths.append(reverse(f"{namespace}{entry.name}"))
                except Exception:  # noqa: S112 (a pattern only reachable with arguments)
                    continue

    walk(get_resolver())
    return sorted({path for path in paths if not path.startswith(SKIP_PATHS)})


def _forms(html: str) -> list[tuple[str, str, list[str]]]:
    """(method, action, field names) of each form on a page."""
    found = []
    for attributes, body in FORM.findall(html):
        method = (re.search(r'method="([^"]+)"', attributes) or [None, "get"])[1].lower()
        action = (re.search(r'action="([^"]*)"', attributes) or [None, ""])[1]
        names = sorted({name for name in NAME.findall(body) if name not in SKIP_NAMES})
        if names:
            found.append((method, action, names))
    return found


LINK = re.compile(r'href="(/[^"#?]*)"')
# Links not to follow: leaving, files, exports (their answers are downloads, not forms).
SKIP_LINKS = re.compile(r"/(logout|export|download|attachments|files?|docx|xlsx)\b|/static/|/accounts/sso/")
LINKS_PER_PERSONA = 60


@pytest.fixture
def pages(personas, client):
    """Each business persona's pages that answered 200, with their forms: every URL without
    an argument, and the object pages linked from them (a project, its edit form, a company,
    a tranche …), so forms that need an object are fuzzed too."""
    import datetime
    from decimal import Decimal

    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.funds.services import record_tranche

    signed = project(personas.officer_a, personas.town_a, stage="signed")
    record_tranche(
        personas.officer_a,
        FundsTranche(project=signed, amount=Decimal("100"), date=datetime.date(2024, 6, 1), source="abroad"),
    )
    found = {}
    for persona in ("officer_a", "county_officer", "bureau", "leader"):
        client.force_login(getattr(personas, persona))
        queue, seen, followed = list(_argument_free_paths()), set(), 0
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            forms = _forms(html)
            if forms:
                found[(persona, path)] = forms
            for link in LINK.findall(html):
                if followed < LINKS_PER_PERSONA and link not in seen and re.search(r"/\d+/", link):
                    if not SKIP_LINKS.search(link) and not link.startswith(SKIP_PATHS):
                        queue.append(link)
                        followed += 1
    assert found, "no page with a form was found: the discovery is broken"
    assert any(re.search(r"/\d+/", path) for _, path in found), "no object page was reached"
    return found


def test_every_filter_parameter_of_every_page_is_answered_without_a_server_error(personas, client, pages):
    gets = [(persona, path, names) for (persona, path), forms in pages.items() for m, _, names in forms if m == "get"]
    assert len(gets) >= 10, gets

    @fuzz(80)
    @given(data=st.data())
    def probe(data):
        persona, path, names = data.draw(st.sampled_from(gets))
        query = {name: data.draw(values) for name in data.draw(st.lists(st.sampled_from(names), min_size=1))}
        client.force_login(getattr(personas, persona))
        response = client.get(path, query)
        assert response.status_code < 500, (persona, path, query)

    probe()


def test_every_form_refuses_garbage_in_chinese_and_saves_nothing_half(personas, client, pages):
    """POST forms of those pages (new project, a stage claim, a follow-up, an edit form, a
    tranche's return …): whatever is posted, no 500; when nothing was created the answer says
    why in Chinese."""
    posts = []
    for (persona, path), forms in pages.items():
        for method, action, names in forms:
            target = path + action if action.startswith("?") else (action or path)
            if method == "post" and not target.startswith(("/accounts/", "/notifications/")) and "import" not in target:
                posts.append((persona, target, names))
    assert posts, "no create form was found"
    chinese = re.compile("[\u4e00-\u9fff]")

    @fuzz(60)
    @given(data=st.data())
    def probe(data):
        persona, target, names = data.draw(st.sampled_from(posts))
        payload = {name: data.draw(values) for name in names}
        client.force_login(getattr(personas, persona))
        before = (Project.objects.count(), FollowUp.objects.count())
        response = client.post(target, payload)
        assert response.status_code < 500, (persona, target, payload)
        if response.status_code == 200 and (Project.objects.count(), FollowUp.objects.count()) == before:
            assert chinese.search(response.content.decode()), (persona, target)
        assert not connection.needs_rollback

    probe()
