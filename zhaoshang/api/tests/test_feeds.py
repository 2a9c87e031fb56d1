"""The data feeds as the data-sharing platform uses them: a town's feed holds only the
town's rows, a broken download continues with exactly the rest, the CSV opens in Excel
with Chinese headers, numbers come as exact decimal strings."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest

from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditLog
from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import record_tranche
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db


def lines(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300] if not response.streaming else ""
    body = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in body.splitlines()]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())  # the BOM: Excel then reads UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def tranche(user, p, amount, date=datetime.date(2024, 5, 1)):
    return record_tranche(user, FundsTranche(project=p, amount=Decimal(amount), date=date, source="outside_province"))


@pytest.fixture
def towns(personas):
    a = [project(personas.officer_a, personas.town_a, name=f"城关镇项目{n}", total="12345.678") for n in range(5)]
    b = [project(personas.officer_b, personas.town_b, name=f"河口镇项目{n}") for n in range(3)]
    return a, b


def test_a_towns_feed_never_holds_another_towns_rows(personas, towns, token_for, call):
    a, b = towns
    tranche(personas.officer_a, a[0], "1000.5")
    tranche(personas.officer_b, b[0], "700")
    token = token_for(personas.officer_a)
    rows = lines(call(token, "get", "/api/v1/feeds/projects"))
    assert [row["name"] for row in rows] == [f"城关镇项目{n}" for n in range(5)]
    assert {row["responsible_unit"] for row in rows} == {"城关镇"}
    # Nor by starting before town B's ids, nor in the tranche feed.
    assert all(
        row["id"] not in {p.pk for p in b} for row in lines(call(token, "get", "/api/v1/feeds/projects?after=0"))
    )
    tranches = lines(call(token, "get", "/api/v1/feeds/tranches"))
    assert [(row["project"], row["amount"]) for row in tranches] == [("城关镇项目0", "1000.5")]
    # The county officer's feed holds both towns.
    county = lines(call(token_for(personas.county_officer), "get", "/api/v1/feeds/projects"))
    assert len(county) == 8


def test_rows_carry_codes_with_chinese_labels_and_exact_decimals(personas, towns, token_for, call):
    row = lines(call(token_for(personas.officer_a), "get", "/api/v1/feeds/projects"))[0]
    assert row["stage"] == "negotiating" and row["stage_label"] == "在谈"
    assert row["total_investment"] == "12345.678"
    assert row["responsible_unit_code"] == "SFX-CG"


def test_cursor_resume_gives_exactly_the_rest(personas, towns, token_for, call):
    token = token_for(personas.bureau)
    everything = [row["id"] for row in lines(call(token, "get", "/api/v1/feeds/projects"))]
    assert everything == sorted(everything) and len(everything) == 8
    # A download broken after the third row continues after the last id received.
    rest = [row["id"] for row in lines(call(token, "get", f"/api/v1/feeds/projects?after={everything[2]}"))]
    assert rest == everything[3:]
    # Pages of three: the header says where the next starts; absent on the last page.
    seen, after, pages = [], 0, 0
    while True:
        answer = call(token, "get", f"/api/v1/feeds/projects?limit=3&after={after}")
        page = [row["id"] for row in lines(answer)]
        seen += page
        pages += 1
        if "X-Next-After" not in answer:
            break
        after = int(answer["X-Next-After"])
        assert after == page[-1] and 'rel="next"' in answer["Link"]
    assert seen == everything and pages == 3


def test_csv_opens_with_chinese_headers(personas, towns, token_for, call):
    tranche(personas.officer_a, towns[0][0], "1000.5")
    token = token_for(personas.officer_a)
    answer = call(token, "get", "/api/v1/feeds/projects?format=csv")
    assert answer["Content-Type"].startswith("text/csv")
    assert "attachment" in answer["Content-Disposition"]
    header, *rows = csv_rows(answer)
    assert header[:6] == ["ID", "项目编号", "项目名称", "阶段代码", "阶段", "已审核阶段代码"]
    assert "协议总投资（万元）" in header and "责任单位" in header
    first = dict(zip(header, rows[0], strict=True))
    assert (
        first["阶段"] == "在谈" and first["协议总投资（万元）"] == "12345.678" and first["重点项目"] == "是"
    )  # 亿元 and above
    assert len(rows) == 5
    header, *rows = csv_rows(call(token, "get", "/api/v1/feeds/tranches?format=csv&date_from=2024-01-01"))
    assert header[:3] == ["ID", "项目ID", "项目编号"]
    assert dict(zip(header, rows[0], strict=True))["到位金额（万元）"] == "1000.5"
    assert dict(zip(header, rows[0], strict=True))["资金来源"] == "省外"


def test_tranche_feed_keeps_to_the_period(personas, towns, token_for, call):
    a, _ = towns
    tranche(personas.officer_a, a[0], "100", datetime.date(2024, 3, 1))
    tranche(personas.officer_a, a[0], "200", datetime.date(2024, 7, 1))
    token = token_for(personas.officer_a)
    rows = lines(call(token, "get", "/api/v1/feeds/tranches?date_from=2024-06-01&date_to=2024-12-31"))
    assert [row["amount"] for row in rows] == ["200"]
    wrong = call(token, "get", "/api/v1/feeds/tranches?date_from=2024-12-01&date_to=2024-01-01")
    assert wrong.status_code == 422 and "不能晚于" in wrong.json()["message"]


def test_stats_feed_is_the_tables_rows(personas, towns, token_for, call):
    token = token_for(personas.county_officer)
    rows = lines(call(token, "get", "/api/v1/feeds/stats?year=2024&first=1&last=12"))
    assert [row["unit"] for row in rows] == ["示范县", "城关镇", "河口镇"]  # by unit id
    assert [row["total"] for row in rows] == [True, False, False]
    assert rows[0]["period"] == "2024年1—12月"
    rest = lines(call(token, "get", f"/api/v1/feeds/stats?year=2024&after={rows[0]['id']}"))
    assert [row["unit"] for row in rest] == ["城关镇", "河口镇"]
    header = csv_rows(call(token, "get", "/api/v1/feeds/stats?year=2024&format=csv"))[0]
    assert header[:3] == ["ID", "单位编码", "单位"] and any(label.startswith("签约项目") for label in header)


def test_feeds_need_the_lists_scope_and_are_exports_in_the_audit_log(personas, towns, token_for, call):
    only_units = token_for(personas.officer_a, scopes=["units:read"])
    refused = call(only_units, "get", "/api/v1/feeds/projects")
    assert refused.status_code == 403 and refused.json()["code"] == "scope_missing"
    token = token_for(personas.officer_a, scopes=["projects:read"])
    csv_rows(call(token, "get", "/api/v1/feeds/projects?format=csv"))
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, detail__contains="项目（CSV").exists()
    bad = call(token, "get", "/api/v1/feeds/projects?format=xlsx")
    assert bad.status_code == 422 and "ndjson" in bad.json()["message"]


def test_the_system_admin_and_the_auditor_get_no_feed(personas, towns, token_for, call):
    for user in (personas.sysadmin, personas.auditor):
        answer = call(token_for(user, scopes=["projects:read"]), "get", "/api/v1/feeds/projects")
        assert answer.status_code == 403 and answer.json()["code"] == "role_forbidden"
