"""Content-Security-Policy on every response: scripts only from our own files or inline
blocks carrying the response's nonce, no inline event handlers anywhere in the templates."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
NONCE = 'nonce="{{ request.csp_nonce }}"'


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_every_page_carries_the_policy_and_the_other_security_headers(personas, client):
    client.force_login(personas.officer_a)
    for url in (reverse("accounts:login"), reverse("projects:list"), reverse("relations:company_list")):
        response = client.get(url)
        rules = policy(response)
        assert "'unsafe-inline'" not in rules["script-src"] and "'unsafe-eval'" not in rules["script-src"], url
        assert "'unsafe-inline'" not in rules["style-src"]
        assert rules["object-src"] == "object-src 'none'" and rules["frame-ancestors"] == "frame-ancestors 'none'"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in client.get("/no-such-page/").headers


@pytest.mark.django_db
def test_an_inline_script_runs_only_with_the_nonce_of_its_own_response(personas, client):
    client.force_login(personas.bureau)
    response = client.get(reverse("imports:ledger_upload"))
    nonce = re.search(r"'nonce-([^']+)'", policy(response)["script-src"]).group(1)
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert nonce not in client.get(reverse("imports:ledger_upload")).headers["Content-Security-Policy"]


def template_files():
    return sorted(TEMPLATES.rglob("*.html"))


def test_no_template_has_an_inline_script_or_style_without_the_nonce():
    offending = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for pattern in (SCRIPT_TAG, STYLE_TAG):
            for match in pattern.finditer(text):
                attributes = match.group(1)
                if "src=" not in attributes and NONCE not in attributes:
                    offending.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert offending == []


def test_no_template_has_an_inline_event_handler():
    offending = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in template_files()
        for match in EVENT_HANDLER.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offending == []
