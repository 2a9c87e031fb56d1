"""The OpenAPI document and the documentation page, served by the application itself:
Swagger UI's files from our static files (no CDN), under the site's CSP."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_public_json_with_the_token_scheme(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "招商引资综合管理平台 API"
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    paths = set(document["paths"])
    assert {"/api/v1/projects", "/api/v1/projects/{project_id}", "/api/v1/stats/table"} <= paths
    # Every operation documents the error shape.
    for operations in document["paths"].values():
        for operation in operations.values():
            assert "422" in operation["responses"] and "404" in operation["responses"]


def test_the_documentation_page_loads_only_our_own_files_under_the_csp(personas, client_for, client):
    assert client.get("/api/v1/docs").status_code == 302  # signed-in users only
    answer = client_for(personas.officer_a).get("/api/v1/docs")
    assert answer.status_code == 200
    html = answer.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(source.startswith("/") for source in sources), sources
    for path in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "js/api_docs.js"):
        assert f"/static/{path}" in html and finders.find(path), path
    assert '<h1 class="page-title">' in html
    # No inline script: the page's settings travel in a data- attribute.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    policy = answer["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src-attr")[0]


def test_the_menu_has_one_entry_for_tokens(personas, client_for):
    from zhaoshang.core.navigation import items_for

    for user in personas.all_users():
        labels = [item["label"] for item in items_for(user)]
        assert labels.count("API 令牌") == 1, user.username
