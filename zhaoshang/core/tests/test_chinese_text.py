"""Every page a user reaches reads as Chinese.

A crawl: as each persona, over a small city filled by the apps' own demo builders, visit
the sidebar's pages and the same-site links on them (bounded), and fail on visible text —
tags, scripts, styles and attribute values stripped — that shows the code's insides:
``app_label.model``, snake_case field names, True/False/None, UTC ISO timestamps, setting
names, or framework strings left untranslated. Project codes (SFX-2026-0001), credit codes,
URLs and units (万元) are not identifiers and are left alone.
"""

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.urls import reverse

from zhaoshang.core.context import acting_as
from zhaoshang.core.navigation import items_for

pytestmark = pytest.mark.django_db

PERSONAS = ("officer_a", "county_officer", "bureau", "leader", "sysadmin", "auditor")
PAGES_PER_PERSONA = 70
SAME_SHAPE = 2  # pages per URL shape (/projects/<id>/ is one shape): the template is the same
# Files and side doors: not pages to read.
SKIP = re.compile(r"export|download|/logout|\.xlsx|\.docx|\.csv|\.pdf|/static/|/media/|format=")

FRAMEWORK_STRINGS = (
    "This field",
    "Enter a",
    "Ensure this",
    "Ensure that",
    "---------",
    "Page not found",
    "Not Found",
    "Forbidden",
    "Server Error",
    "Select a valid choice",
    "is required",
    "Unknown",
    "No results",
    "CSRF",
    "Traceback",
    "object (",
    "确保该",
    "这个字段是必填项",
    "输入一个",
    "选择一个有效的选项",
    "ZHAOSHANG_",
)
ISO_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})|\d{2}:\d{2}:\d{2}\.\d{3,}|\bUTC\b"
)
LITERALS = re.compile(r"(?<![A-Za-z0-9_])(True|False|None)(?![A-Za-z0-9_])")
URL = re.compile(r"https?://\S+")


class VisibleText(HTMLParser):
    """The text a reader sees, and the page's links."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def _identifiers():
    """Model labels (``projects.project``) and snake_case field names of installed models."""
    labels, fields = set(), set()
    for model in apps.get_models():
        labels.add(model._meta.label_lower)
        for field in model._meta.get_fields():
            for name in (field.name, getattr(field, "attname", "")):
                if name and "_" in name.strip("_"):
                    fields.add(name)
    word = r"(?<![A-Za-z0-9_.]){}(?![A-Za-z0-9_])"
    label_pattern = re.compile("|".join(word.format(re.escape(label)) for label in sorted(labels)))
    field_pattern = re.compile("|".join(word.format(re.escape(name)) for name in sorted(fields, key=len, reverse=True)))
    return label_pattern, field_pattern


def findings_in(text: str, patterns) -> list[str]:
    label_pattern, field_pattern = patterns
    text = URL.sub(" ", text)
    found = [f"框架文字「{phrase}」" for phrase in FRAMEWORK_STRINGS if phrase in text]
    found += [f"模型名「{match.group()}」" for match in label_pattern.finditer(text)]
    found += [f"字段名「{match.group()}」" for match in field_pattern.finditer(text)]
    found += [f"「{match.group()}」" for match in LITERALS.finditer(text)]
    found += [f"时间「{match.group()}」" for match in ISO_MOMENT.finditer(text)]
    return found


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client, user, patterns) -> tuple[list[str], int]:
    """Visit the user's sidebar and the links on its pages; the findings and pages read."""
    start = ["/"] + [item["url"] for item in items_for(user)]
    queue, seen, shapes, findings, read = deque(start), set(start), Counter(), [], 0
    while queue and read < PAGES_PER_PERSONA:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code in (301, 302):
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        read += 1
        if response.status_code >= 500:
            findings.append(f"{user.username} {url}: 状态 {response.status_code}")
            continue
        parser = VisibleText()
        parser.feed(response.content.decode())
        for finding in findings_in(" ".join(parser.parts), patterns):
            findings.append(f"{user.username} {url}: {finding}")
        for href in parser.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local in seen or SKIP.search(local) or not parts.path.startswith("/"):
                continue
            seen.add(local)
            shape = _shape(parts.path) + ("?" if parts.query else "")
            if shapes[shape] >= SAME_SHAPE:
                continue
            shapes[shape] += 1
            queue.append(local)
    return findings, read


@pytest.fixture
def small_city(personas):
    """The apps' demo builders over the personas' two towns and the bureau."""
    from zhaoshang.alerts.demo import build_warnings
    from zhaoshang.assessment.demo import build_assessment
    from zhaoshang.bulletins.demo import build_bulletins
    from zhaoshang.funds.demo import build_tranches
    from zhaoshang.notifications.demo import build_notifications
    from zhaoshang.projects.demo import DEMO_CODE_MARK, build_projects
    from zhaoshang.projects.models import Project
    from zhaoshang.scheduling.demo import build_rounds
    from zhaoshang.supervision.demo import build_problems
    from zhaoshang.targets.demo import build_targets

    bureau = personas.bureau
    with acting_as(bureau, source="command"):
        build_projects(bureau, [personas.town_a, personas.town_b], per_unit=4)
        build_tranches(bureau)
        build_targets(bureau)
        build_problems(bureau)
        build_rounds(bureau)
        build_warnings(bureau)
        build_assessment(bureau)
        build_notifications(Project.objects.filter(remarks__contains=DEMO_CODE_MARK))
        build_bulletins(bureau)
    return personas


def test_the_text_check_catches_what_it_is_for():
    patterns = _identifiers()
    assert findings_in("projects.project 已修改", patterns)
    assert findings_in("total_investment：1 → 2", patterns)
    assert findings_in("重点项目：False → True", patterns)
    assert findings_in("提交于 2026-12-04T02:31:00+00:00", patterns)
    assert findings_in("确保该值小于或等于 10。", patterns)
    assert findings_in("请运维人员设置 ZHAOSHANG_WEBHOOK_ALLOWED_HOSTS", patterns)
    legitimate = "项目 SFX-2026-0001 统一社会信用代码 91350100M000100Y43 协议总投资 5000 万元 https://oapi.dingtalk.com/robot/send?access_token=x 2026-12-04 10:31"
    assert findings_in(legitimate, patterns) == []


def test_every_page_each_persona_reaches_reads_as_chinese(small_city, client):
    """One city for all six personas: building it costs more than reading the pages."""
    findings = []
    for persona in PERSONAS:
        user = getattr(small_city, persona)
        client.force_login(user)
        found, read = crawl(client, user, _identifiers())
        assert read >= 3, f"{persona} 只读到 {read} 个页面"
        findings += found
        client.logout()
    assert findings == [], "\n".join(findings)


@pytest.mark.parametrize("persona", ["bureau", "leader", "officer_a", "sysadmin"])
def test_each_sidebar_heading_appears_once(personas, persona):
    runs = [item["section"] for item in items_for(getattr(personas, persona))]
    headings = [section for index, section in enumerate(runs) if section and (index == 0 or runs[index - 1] != section)]
    assert len(headings) == len(set(headings)), headings


def test_the_robot_page_says_whom_to_ask_not_which_setting(personas, client_for):
    content = client_for(personas.bureau).get(reverse("notifications:webhook_list")).content.decode()
    assert "ZHAOSHANG_" not in content
    assert "运维人员" in content
