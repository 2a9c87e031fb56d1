"""The bureau's review queue (待审核) by persona: the bureau sees every waiting claim and
tranche oldest first and decides them one by one or in a batch; the leader reads; no
officer learns the queue exists."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zhaoshang.core.models import AuditLog
from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import add_evidence, record_tranche
from zhaoshang.projects.attachments import save_attachment
from zhaoshang.projects.models import StageEvent
from zhaoshang.projects.services import verify_event
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
PDF = b"%PDF-1.4 voucher"
DOCX = b"PK\x03\x04 word"


def submitted_days_ago(record, days):
    record.submitted_at = timezone.now() - datetime.timedelta(days=days, hours=1)
    record.save()
    return record


@pytest.fixture
def queue(personas):
    """Town A: a signing claim waiting 10 days and a tranche waiting 2; town B: a start
    claim waiting 5 days."""
    a = project(personas.officer_a, personas.town_a, name="城关镇电容器项目", stage="signed", total="60000")
    b = project(personas.officer_b, personas.town_b, name="河口镇物流园项目", stage="started", total="8000")
    tranche = FundsTranche(project=a, amount=Decimal("1000.5"), date=datetime.date(2024, 6, 1), source="abroad")
    personas.extra.update(
        signing=submitted_days_ago(a.events.get(), 10),
        tranche=submitted_days_ago(record_tranche(personas.officer_a, tranche), 2),
        start=submitted_days_ago(b.events.get(stage="started"), 5),
        b_signing=submitted_days_ago(b.events.get(stage="signed"), 4),
    )
    verify_event(personas.bureau, personas.extra["b_signing"])
    return personas


def rows(page: str) -> list[str]:
    return [part.split('"')[0] for part in page.split('data-testid="item-')[1:]]


def test_the_bureau_sees_every_waiting_claim_oldest_first(queue, client):
    client.force_login(queue.bureau)
    page = client.get(reverse("review:queue")).content.decode()
    x = queue.extra
    assert rows(page) == [f"event:{x['signing'].pk}", f"event:{x['start'].pk}", f"tranche:{x['tranche'].pk}"]
    assert "10 天" in page and "2 天" in page
    assert "共 3 条" in page


def test_each_unit_shows_its_count_median_and_longest_wait(queue, client):
    client.force_login(queue.bureau)
    page = client.get(reverse("review:queue")).content.decode()
    table = page.split('data-testid="by-unit"')[1]
    # 城关镇: 10 and 2 days → median 6 days, longest 10; 河口镇: one claim of 5 days.
    assert '城关镇</td><td class="text-end">2</td>' in table and "6 天" in table
    assert table.index("城关镇") < table.index("河口镇")  # the longest wait first


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"unit": "town_b"}, ["start"]),
        ({"unit": "county"}, ["signing", "start", "tranche"]),
        ({"kind": "tranche"}, ["tranche"]),
        ({"stage": "started"}, ["start"]),
        ({"min_days": "5"}, ["signing", "start"]),
        ({"amount_min": "1000", "amount_max": "2000"}, ["tranche"]),
    ],
)
def test_the_queue_filters_by_unit_kind_stage_age_and_amount(queue, client, params, expected):
    params = {key: getattr(queue, value).pk if key == "unit" else value for key, value in params.items()}
    client.force_login(queue.bureau)
    page = client.get(reverse("review:queue"), params).content.decode()
    keys = {name: f"{'tranche' if name == 'tranche' else 'event'}:{queue.extra[name].pk}" for name in expected}
    assert rows(page) == [keys[name] for name in expected]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_days": "abc"}, "请输入整数天数"),
        ({"amount_min": "-1"}, "金额不能为负"),
        ({"amount_min": "9" * 40}, "金额过大"),
        ({"amount_min": "50", "amount_max": "10"}, "金额上限不能小于下限"),
        ({"unit": "9" * 30}, "所选单位不存在或不在您的管理范围内"),
        ({"kind": "subsidy"}, "没有这种填报类型"),
    ],
)
def test_a_bad_filter_is_explained_in_chinese_and_lists_nothing(queue, client, params, message):
    client.force_login(queue.bureau)
    response = client.get(reverse("review:queue"), params)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and rows(page) == []


def test_an_empty_queue_says_so(personas, client):
    client.force_login(personas.bureau)
    assert "没有待审核的填报" in client.get(reverse("review:queue")).content.decode()
    # The form sent back with every filter left empty is still the whole queue.
    blank = {"unit": "", "kind": "", "stage": "", "min_days": "", "amount_min": "", "amount_max": ""}
    assert "没有待审核的填报" in client.get(reverse("review:queue"), blank).content.decode()


def test_an_empty_filter_result_suggests_other_filters(queue, client):
    client.force_login(queue.bureau)
    page = client.get(reverse("review:queue"), {"min_days": "30"}).content.decode()
    assert "没有符合条件的待审核填报" in page


def test_no_officer_learns_the_queue_exists(queue, client):
    x = queue.extra
    for user in (queue.officer_a, queue.officer_b, queue.county_officer, queue.sysadmin, queue.auditor):
        client.force_login(user)
        assert client.get(reverse("review:queue")).status_code == 404
        assert client.get(reverse("review:evidence_event", args=[x["signing"].pk])).status_code == 404
        response = client.post(reverse("review:decide"), {"items": [f"event:{x['signing'].pk}"], "decision": "verify"})
        assert response.status_code == 404
    x["signing"].refresh_from_db()
    assert x["signing"].status == "submitted"


def test_the_county_officer_has_no_queue_in_the_sidebar_and_the_bureau_has(queue, client):
    client.force_login(queue.county_officer)
    assert reverse("review:queue") not in client.get(reverse("core:home")).content.decode()
    client.force_login(queue.bureau)
    assert reverse("review:queue") in client.get(reverse("core:home")).content.decode()


def test_the_leader_reads_the_queue_but_cannot_decide(queue, client):
    client.force_login(queue.leader)
    page = client.get(reverse("review:queue")).content.decode()
    assert len(rows(page)) == 3 and "审核通过所选" not in page and "退回原因" not in page
    response = client.post(
        reverse("review:decide"), {"items": [f"event:{queue.extra['signing'].pk}"], "decision": "verify"}
    )
    assert response.status_code == 404
    queue.extra["signing"].refresh_from_db()
    assert queue.extra["signing"].status == "submitted"


def test_the_bureau_verifies_one_claim_in_place(queue, client):
    client.force_login(queue.bureau)
    signing = queue.extra["signing"]
    response = client.post(
        reverse("review:decide"),
        {"items": [f"event:{signing.pk}"], "decision": "verify", "next": "/review/?kind=event"},
    )
    assert response["Location"] == "/review/?kind=event"
    signing.refresh_from_db()
    signing.project.refresh_from_db()
    assert signing.status == "verified" and signing.project.verified_stage == "signed"


def test_a_batch_reports_each_item_and_leaves_the_refused_ones_alone(queue, client):
    x = queue.extra
    client.force_login(queue.bureau)
    items = [f"event:{x['signing'].pk}", f"event:{x['b_signing'].pk}", "tranche:999999", f"tranche:{x['tranche'].pk}"]
    before = AuditLog.objects.filter(action="verify").count()
    first_verified_at = StageEvent.objects.get(pk=x["b_signing"].pk).verified_at
    response = client.post(reverse("review:decide"), {"items": items, "decision": "verify"}, follow=True)
    page = response.content.decode()
    assert "城关镇电容器项目「签约」（2024-04-12）：已审核通过" in page
    assert "河口镇物流园项目「签约」（2024-04-12）：该阶段填报已审核通过，无需重复审核。" in page
    assert "到位资金（编号 999999）不存在或不在您的管理范围内" in page
    assert "审核通过 2 条，2 条未处理。" in page
    assert AuditLog.objects.filter(action="verify").count() == before + 2
    assert StageEvent.objects.get(pk=x["b_signing"].pk).verified_at == first_verified_at
    assert FundsTranche.objects.get(pk=x["tranche"].pk).status == "verified"


def test_a_batch_return_needs_a_reason_and_then_returns_each(queue, client):
    x = queue.extra
    client.force_login(queue.bureau)
    items = [f"event:{x['signing'].pk}", f"tranche:{x['tranche'].pk}"]
    page = client.post(reverse("review:decide"), {"items": items, "decision": "return"}, follow=True).content.decode()
    assert "退回须说明原因" in page
    assert set(StageEvent.objects.filter(pk=x["signing"].pk).values_list("status", flat=True)) == {"submitted"}
    page = client.post(
        reverse("review:decide"), {"items": items, "decision": "return", "reason": "请补充盖章页"}, follow=True
    ).content.decode()
    assert "退回 2 条。" in page
    assert FundsTranche.objects.get(pk=x["tranche"].pk).return_reason == "请补充盖章页"
    assert StageEvent.objects.get(pk=x["signing"].pk).status == "returned"


def test_evidence_opens_in_place_images_and_pdfs_inline_others_as_downloads(queue, client):
    x = queue.extra
    a = x["signing"].project
    png = save_attachment(queue.officer_a, a, SimpleUploadedFile("协议.png", PNG), event=x["signing"])
    docx = save_attachment(queue.officer_a, a, SimpleUploadedFile("说明.docx", DOCX), event=x["signing"])
    voucher = add_evidence(queue.officer_a, x["tranche"], SimpleUploadedFile("凭证.pdf", PDF)).attachment
    client.force_login(queue.bureau)
    fragment = client.get(reverse("review:evidence_event", args=[x["signing"].pk])).content.decode()
    assert f'<img src="{reverse("review:attachment_inline", args=[png.pk])}"' in fragment
    assert reverse("projects:attachment_download", args=[docx.pk]) in fragment
    assert reverse("review:attachment_inline", args=[docx.pk]) not in fragment
    fragment = client.get(reverse("review:evidence_tranche", args=[x["tranche"].pk])).content.decode()
    assert f'<iframe src="{reverse("review:attachment_inline", args=[voucher.pk])}"' in fragment
    response = client.get(reverse("review:attachment_inline", args=[voucher.pk]))
    assert response["Content-Disposition"] == "inline" and response["Content-Type"] == "application/pdf"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert client.get(reverse("review:attachment_inline", args=[docx.pk])).status_code == 404
    client.force_login(queue.officer_a)  # the file's own officer downloads it, but not through the queue
    assert client.get(reverse("review:attachment_inline", args=[png.pk])).status_code == 404


def test_a_claim_without_evidence_says_so(queue, client):
    client.force_login(queue.bureau)
    fragment = client.get(reverse("review:evidence_event", args=[queue.extra["start"].pk])).content.decode()
    assert "未上传证明材料" in fragment


def test_the_queue_page_reads_a_bounded_number_of_queries(queue, client, django_assert_max_num_queries):
    client.force_login(queue.bureau)
    with django_assert_max_num_queries(20):
        client.get(reverse("review:queue"))


def test_a_batch_too_large_is_refused_whole(queue, client):
    client.force_login(queue.bureau)
    items = [f"event:{queue.extra['signing'].pk}"] + [f"tranche:{n}" for n in range(1, 201)]
    page = client.post(reverse("review:decide"), {"items": items, "decision": "verify"}, follow=True).content.decode()
    assert "一次最多审核 200 条（本次勾选了 201 条），未做任何处理。" in page
    assert StageEvent.objects.get(pk=queue.extra["signing"].pk).status == "submitted"
