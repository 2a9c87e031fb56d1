"""The funds pages by persona: officers work in their own town, the bureau verifies or
returns with a reason, the leader reads, the system admin and the auditor see nothing."""

import datetime
import io
import uuid
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.core.models import AuditLog
from zhaoshang.funds.models import FundsTranche, TrancheEvidence
from zhaoshang.funds.services import record_tranche, return_tranche, verify_tranche
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 bank voucher"


def tranche(user, p, amount, **fields):
    fields.setdefault("date", datetime.date(2024, 5, 1))
    fields.setdefault("source", "outside_province")
    return record_tranche(user, FundsTranche(project=p, amount=Decimal(amount), **fields))


@pytest.fixture
def towns(personas):
    """A project with money in each town."""
    personas.extra["a"] = project(personas.officer_a, personas.town_a, name="城关镇电容器项目", total="20000")
    personas.extra["b"] = project(personas.officer_b, personas.town_b, name="河口镇物流园项目", total="10000")
    personas.extra["ta"] = tranche(personas.officer_a, personas.extra["a"], "1000.5")
    personas.extra["tb"] = tranche(personas.officer_b, personas.extra["b"], "700")
    return personas


def form_data(**overrides):
    data = {
        "date": "2024-06-01",
        "amount": "1200",
        "kind": "domestic",
        "source": "outside_province",
        "source_region": "宁波",
        "voucher_no": "PZ-001",
        "token": uuid.uuid4().hex,
    }
    return data | overrides


def test_an_officer_lists_only_their_towns_money_with_its_exact_total(towns, client):
    client.force_login(towns.officer_a)
    page = client.get(reverse("funds:list")).content.decode()
    assert "城关镇电容器项目" in page and "河口镇物流园项目" not in page
    assert 'data-testid="total-amount">1000.5<' in page
    client.force_login(towns.bureau)
    page = client.get(reverse("funds:list")).content.decode()
    assert 'data-testid="total-amount">1700.5<' in page and 'data-testid="total-count">2 笔<' in page


def test_the_total_is_exact_over_the_whole_filtered_set_not_the_page(personas, client):
    p = project(personas.officer_a, personas.town_a, total="1000")
    for _ in range(55):
        tranche(personas.officer_a, p, "0.1")
    tranche(personas.officer_a, p, "0.2", kind="foreign", amount_usd=Decimal("0.03"), source="abroad")
    client.force_login(personas.bureau)
    page = client.get(reverse("funds:list")).content.decode()
    assert 'data-testid="total-amount">5.7<' in page  # 55 × 0.1 + 0.2, not 5.699999…
    assert 'data-testid="total-usd">0.03<' in page
    assert "下一页" in page


def test_filters_by_date_kind_status_unit_and_search(towns, client):
    extra = tranche(
        towns.officer_a,
        towns.extra["a"],
        "50",
        date=datetime.date(2024, 9, 9),
        kind="foreign",
        amount_usd=Decimal(7),
        source="abroad",
    )
    verify_tranche(towns.bureau, extra)
    client.force_login(towns.bureau)
    url = reverse("funds:list")

    def amounts(**params):
        page = client.get(url, params).content.decode()
        return page.split('data-testid="total-amount">')[1].split("<")[0]

    assert amounts(date_from="2024-09-01", date_to="2024-09-30") == "50"
    assert amounts(kind="foreign") == "50"
    assert amounts(status="submitted") == "1700.5"
    assert amounts(unit=towns.town_b.pk) == "700"
    assert amounts(unit=towns.county.pk) == "1750.5"
    assert amounts(q="河口镇物流") == "700"
    assert amounts(q=towns.extra["a"].code) == "1050.5"
    assert amounts(source="abroad") == "50"


def test_an_officer_records_a_tranche_with_its_voucher_once_even_on_a_double_click(towns, client):
    client.force_login(towns.officer_a)
    url = reverse("funds:create", args=[towns.extra["a"].pk])
    data = form_data(evidence=[SimpleUploadedFile("进账单.pdf", PDF), SimpleUploadedFile("回单.pdf", PDF)])
    first = client.post(url, data)
    data["evidence"] = [SimpleUploadedFile("进账单.pdf", PDF)]
    second = client.post(url, data)  # the same form sent again
    created = FundsTranche.objects.get(amount=Decimal(1200))
    assert first["Location"] == second["Location"] == reverse("funds:detail", args=[created.pk])
    assert created.status == "submitted" and created.submitted_by == towns.officer_a
    assert TrancheEvidence.objects.filter(tranche=created).count() == 2
    page = client.get(reverse("funds:detail", args=[created.pk])).content.decode()
    assert "进账单.pdf" in page and "回单.pdf" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "0"}, "到位金额须大于 0。"),
        ({"date": "2050-01-01"}, "到位日期不能晚于今天。"),  # within the plausible range, yet tomorrow or later
        ({"kind": "foreign"}, "外资须填写外资金额（万美元）。"),
        ({"amount_usd": "5"}, "内资不填外资金额（万美元）。"),
        ({"source": ""}, "请选择资金来源。"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_saves_nothing(towns, client, overrides, message):
    client.force_login(towns.officer_a)
    response = client.post(reverse("funds:create", args=[towns.extra["a"].pk]), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert FundsTranche.objects.count() == 2


def test_a_file_that_is_not_evidence_is_refused_before_anything_is_saved(towns, client):
    client.force_login(towns.officer_a)
    bad = SimpleUploadedFile("凭证.exe", b"MZ\x90\x00 not a voucher")
    response = client.post(reverse("funds:create", args=[towns.extra["a"].pk]), form_data(evidence=[bad]))
    assert "不是允许的类型" in response.content.decode()
    assert FundsTranche.objects.count() == 2 and TrancheEvidence.objects.count() == 0


def test_another_town_cannot_add_read_or_edit_money_of_town_a(towns, client):
    client.force_login(towns.officer_b)
    assert client.get(reverse("funds:create", args=[towns.extra["a"].pk])).status_code == 404
    assert client.post(reverse("funds:create", args=[towns.extra["a"].pk]), form_data()).status_code == 404
    assert client.get(reverse("funds:detail", args=[towns.extra["ta"].pk])).status_code == 404
    assert client.post(reverse("funds:edit", args=[towns.extra["ta"].pk]), form_data()).status_code == 404
    assert FundsTranche.objects.count() == 2
    assert FundsTranche.objects.get(pk=towns.extra["ta"].pk).amount == Decimal("1000.5")


def test_the_bureau_verifies_from_the_queue_and_officers_cannot(towns, client):
    ta = towns.extra["ta"]
    for persona in (towns.officer_a, towns.leader):
        client.force_login(persona)
        assert client.post(reverse("funds:verify", args=[ta.pk])).status_code == 404
        assert client.get(reverse("funds:pending")).status_code == 404
    client.force_login(towns.bureau)
    queue = client.get(reverse("funds:pending")).content.decode()
    assert "城关镇电容器项目" in queue and "河口镇物流园项目" in queue
    response = client.post(reverse("funds:verify", args=[ta.pk]), {"next": reverse("funds:pending")})
    assert response["Location"] == reverse("funds:pending")
    ta.refresh_from_db()
    assert ta.status == "verified" and ta.verified_by == towns.bureau
    queue = client.get(reverse("funds:pending")).content.decode()
    assert reverse("funds:detail", args=[ta.pk]) not in queue and "河口镇物流园项目" in queue


def test_the_bureau_verifies_several_at_once(towns, client):
    client.force_login(towns.bureau)
    client.post(reverse("funds:verify_selected"), {"ids": [towns.extra["ta"].pk, towns.extra["tb"].pk]})
    assert set(FundsTranche.objects.values_list("status", flat=True)) == {"verified"}
    assert AuditLog.objects.filter(action="verify", object_type="funds.fundstranche").count() == 2


def test_returning_needs_a_reason_and_the_unit_corrects_and_resubmits(towns, client):
    ta = towns.extra["ta"]
    client.force_login(towns.bureau)
    client.post(reverse("funds:return", args=[ta.pk]), {"reason": "  "})
    ta.refresh_from_db()
    assert ta.status == "submitted"
    messages = [str(m) for m in client.get(reverse("funds:detail", args=[ta.pk])).context["messages"]]
    assert "退回须说明原因。" in messages
    client.post(reverse("funds:return", args=[ta.pk]), {"reason": "凭证金额与填报不符"})
    ta.refresh_from_db()
    assert ta.status == "returned" and ta.return_reason == "凭证金额与填报不符"

    client.force_login(towns.officer_a)
    detail = client.get(reverse("funds:detail", args=[ta.pk])).content.decode()
    assert "招商局退回：凭证金额与填报不符" in detail and "修改并重新提交" in detail
    edit = client.get(reverse("funds:edit", args=[ta.pk]))
    version = edit.context["form"]["version"].value()
    response = client.post(
        reverse("funds:edit", args=[ta.pk]), form_data(amount="1000", version=version, date="2024-05-01")
    )
    assert response.status_code == 302
    ta.refresh_from_db()
    assert ta.status == "submitted" and ta.amount == Decimal(1000)


def test_a_stale_correction_is_refused(towns, client):
    ta = towns.extra["ta"]
    client.force_login(towns.officer_a)
    version = client.get(reverse("funds:edit", args=[ta.pk])).context["form"]["version"].value()
    client.post(reverse("funds:edit", args=[ta.pk]), form_data(amount="900", version=version))
    response = client.post(reverse("funds:edit", args=[ta.pk]), form_data(amount="800", version=version))
    assert "已被他人修改或审核" in response.content.decode()
    ta.refresh_from_db()
    assert ta.amount == Decimal(900)


def test_a_verified_tranche_is_fixed_until_the_bureau_returns_it(towns, client):
    ta = verify_tranche(towns.bureau, towns.extra["ta"])
    client.force_login(towns.officer_a)
    response = client.post(reverse("funds:edit", args=[ta.pk]), form_data(amount="1", version=ta.version))
    assert response["Location"] == reverse("funds:detail", args=[ta.pk])
    ta.refresh_from_db()
    assert ta.amount == Decimal("1000.5")
    return_tranche(towns.bureau, ta, "请补充凭证")
    assert client.get(reverse("funds:edit", args=[ta.pk])).status_code == 200


def test_the_leader_reads_but_does_not_enter_money(towns, client):
    client.force_login(towns.leader)
    assert "城关镇电容器项目" in client.get(reverse("funds:list")).content.decode()
    detail = client.get(reverse("funds:detail", args=[towns.extra["ta"].pk])).content.decode()
    assert "审核通过</button>" not in detail
    assert reverse("funds:edit", args=[towns.extra["ta"].pk]) not in detail
    assert client.get(reverse("funds:create", args=[towns.extra["a"].pk])).status_code == 404
    assert client.get(reverse("funds:edit", args=[towns.extra["ta"].pk])).status_code == 404
    assert client.get(reverse("funds:import")).status_code == 404


@pytest.mark.parametrize("persona", ["sysadmin", "auditor"])
def test_no_money_pages_for_the_system_admin_and_auditor(towns, client, persona):
    client.force_login(getattr(towns, persona))
    for name in ("funds:list", "funds:pending", "funds:export", "funds:import"):
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("funds:detail", args=[towns.extra["ta"].pk])).status_code == 404


def test_the_export_is_the_filtered_list_with_a_total_formula_safe_and_audited(towns, client):
    evil = project(towns.officer_a, towns.town_a, name="=HYPERLINK(1)项目", total="100")
    tranche(towns.officer_a, evil, "10")
    client.force_login(towns.officer_a)
    response = client.get(reverse("funds:export"), {"status": "submitted"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("项目编号", "项目名称")
    names = [row[1] for row in rows[1:-1]]
    assert sorted(names) == sorted(["城关镇电容器项目", "'=HYPERLINK(1)项目"])  # town B's money is not there
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][5])) == Decimal("1010.5")
    log = AuditLog.objects.get(action="export")
    assert "导出到位资金 2 笔" in log.detail and "审核状态=待审核" in log.detail
    assert log.username == "officer_a"


def test_the_project_page_shows_its_money_rate_and_the_button_to_enter_more(towns, client):
    verify_tranche(towns.bureau, towns.extra["ta"])
    tranche(towns.officer_a, towns.extra["a"], "99.5")
    client.force_login(towns.officer_a)
    page = client.get(reverse("projects:detail", args=[towns.extra["a"].pk])).content.decode()
    assert 'data-testid="funds-verified">1000.5 <' in page
    assert 'data-testid="funds-submitted">99.5 <' in page
    assert 'data-testid="funds-rate">5.0%<' in page  # 1000.5 ÷ 20000, half-up to one decimal
    assert reverse("funds:create", args=[towns.extra["a"].pk]) in page
    client.force_login(towns.leader)
    page = client.get(reverse("projects:detail", args=[towns.extra["a"].pk])).content.decode()
    assert "登记到位资金" not in page and 'data-testid="funds-rate">5.0%<' in page


def test_the_list_takes_a_bounded_number_of_queries(personas, client, django_assert_max_num_queries):
    for index in range(30):
        p = project(personas.officer_a, personas.town_a, name=f"项目{index}", total="100")
        tranche(personas.officer_a, p, "1")
    client.force_login(personas.officer_a)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("funds:list")).status_code == 200


def test_filtering_with_htmx_returns_only_the_table(towns, client):
    client.force_login(towns.bureau)
    response = client.get(reverse("funds:list"), {"unit": towns.town_a.pk}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<div class="card" id="tranche-table">')
    assert 'data-testid="total-amount">1000.5<' in page and "<html" not in page


def test_a_correction_form_opened_before_the_bureau_returned_the_tranche_is_stale(towns, client):
    ta = towns.extra["ta"]
    client.force_login(towns.officer_a)
    version = client.get(reverse("funds:edit", args=[ta.pk])).context["form"]["version"].value()
    return_tranche(towns.bureau, ta, "凭证金额不符")
    response = client.post(reverse("funds:edit", args=[ta.pk]), form_data(amount="800", version=version))
    assert "已被他人修改或审核" in response.content.decode()
    ta.refresh_from_db()
    assert (ta.status, ta.amount) == ("returned", Decimal("1000.5"))


def test_the_same_tranche_form_saved_from_two_windows_records_one_tranche(towns):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(towns.officer_a)
    second.force_login(towns.officer_a)
    url = reverse("funds:create", args=[towns.extra["a"].pk])
    data = form_data(token=first.get(url).context["form"]["token"].value(), amount="1,200")
    first.post(url, data)
    response = second.post(url, data)
    tranche = FundsTranche.objects.get(amount=Decimal(1200))
    assert response["Location"] == reverse("funds:detail", args=[tranche.pk])
