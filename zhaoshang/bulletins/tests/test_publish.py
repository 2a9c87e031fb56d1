"""Publishing freezes a bulletin; the live data is compared with it; only the bureau
publishes; drafts are the bureau's alone."""

import datetime
import hashlib
import sys
import types
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zhaoshang.bulletins.choices import BulletinStatus
from zhaoshang.bulletins.models import Bulletin, BulletinSnapshot
from zhaoshang.bulletins.sections import Section, paragraph
from zhaoshang.bulletins.services import changes_since_publication, delete_draft, generate, publish
from zhaoshang.bulletins.tests.factories import draft
from zhaoshang.core.models import AuditLog
from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import return_tranche

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(dataset):
    return publish(dataset.bureau, draft(dataset.bureau, dataset.city))


def test_the_frozen_bulletin_does_not_change_when_a_verified_figure_does_and_the_diff_shows_it(
    dataset, published, client
):
    """GIVEN a published 1—7月 bulletin WHEN a verified tranche of 城关镇 (1,000.5万元 in April)
    is returned afterwards THEN the bulletin's page, numbers and files are as published, and
    the comparison lists 到位资金 of 城关镇, 示范县 and the city: published vs now."""
    snapshot = published.snapshot
    frozen_numbers, frozen_content = snapshot.numbers, snapshot.content
    docx_hash = hashlib.sha256(snapshot.docx.read()).hexdigest()
    assert docx_hash == snapshot.docx_sha256
    client.force_login(dataset.bureau)
    before = client.get(reverse("bulletins:detail", args=[published.pk])).content.decode()
    assert "到位资金0.27亿元" in before

    tranche = FundsTranche.objects.get(amount=Decimal("1000.5"))
    return_tranche(dataset.bureau, tranche, "凭证金额有误")

    snapshot = BulletinSnapshot.objects.get(pk=snapshot.pk)
    assert snapshot.numbers == frozen_numbers and snapshot.content == frozen_content
    assert hashlib.sha256(snapshot.docx.read()).hexdigest() == docx_hash
    after = client.get(reverse("bulletins:detail", args=[published.pk])).content.decode()
    assert "到位资金0.27亿元" in after
    download = client.get(reverse("bulletins:download", args=[published.pk, "docx"]))
    assert (
        hashlib.sha256(b"".join(download.streaming_content if download.streaming else [download.content])).hexdigest()
        == docx_hash
    )
    # Today's data says 0.17亿 for the city.
    assert "到位资金0.17亿元" in generate(published, dataset.bureau).content["sections"][0]["blocks"][0]["text"]

    changes = changes_since_publication(dataset.bureau, published)
    funds = {(c.unit, c.item): (c.published, c.current) for c in changes if c.indicator == "到位资金"}
    assert funds[("示范县", "完成值")] == ("2,700.50", "1,700.00")
    assert funds[("合计：示范市", "完成值")] == ("2,700.50", "1,700.00")
    page = client.get(reverse("bulletins:changes", args=[published.pk])).content.decode()
    assert "2,700.50" in page and "1,700.00" in page


def test_an_unchanged_period_compares_equal(dataset, published, client):
    assert changes_since_publication(dataset.bureau, published) == []
    client.force_login(dataset.leader)
    assert 'data-testid="no-changes"' in client.get(reverse("bulletins:changes", args=[published.pk])).content.decode()


def test_the_snapshot_refuses_updates_and_deletes(published):
    snapshot = published.snapshot
    with pytest.raises(TypeError):
        snapshot.save()
    with pytest.raises(TypeError):
        snapshot.delete()
    with pytest.raises(TypeError):
        BulletinSnapshot.objects.all().update(numbers={})
    with pytest.raises(TypeError):
        BulletinSnapshot.objects.all().delete()


def test_a_period_is_published_once_and_a_published_bulletin_is_not_deleted(dataset, published):
    with pytest.raises(ValidationError, match="已发布"):
        publish(dataset.bureau, published)
    second = draft(dataset.bureau, dataset.city)
    with pytest.raises(ValidationError, match="本期通报已于"):
        publish(dataset.bureau, second)
    with pytest.raises(ValidationError, match="不能删除"):
        delete_draft(dataset.bureau, published)
    assert Bulletin.objects.filter(status=BulletinStatus.PUBLISHED).count() == 1


@pytest.mark.parametrize("persona", ["officer_a", "county_officer", "leader"])
def test_only_the_bureau_publishes(dataset, persona, client):
    bulletin = draft(dataset.bureau, dataset.city)
    user = getattr(dataset, persona)
    with pytest.raises(PermissionDenied):
        publish(user, bulletin)
    client.force_login(user)
    assert client.post(reverse("bulletins:publish", args=[bulletin.pk])).status_code == 404
    assert client.post(reverse("bulletins:delete", args=[bulletin.pk])).status_code == 404
    assert client.get(reverse("bulletins:create")).status_code == 404
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.DRAFT


def test_the_bureau_publishes_from_the_preview(dataset, client):
    bulletin = draft(dataset.bureau, dataset.city)
    client.force_login(dataset.bureau)
    assert "发布" in client.get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    response = client.post(reverse("bulletins:publish", args=[bulletin.pk]), follow=True)
    assert "通报已发布" in response.content.decode()
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.PUBLISHED and bulletin.published_by == dataset.bureau
    assert AuditLog.objects.filter(object_type="bulletins.bulletinsnapshot").exists()


@pytest.mark.parametrize("persona", ["officer_a", "officer_b", "county_officer", "leader", "sysadmin", "auditor"])
def test_nobody_but_the_bureau_reads_a_draft(dataset, persona, client):
    bulletin = draft(dataset.bureau, dataset.city)
    client.force_login(getattr(dataset, persona))
    for url in (
        reverse("bulletins:detail", args=[bulletin.pk]),
        reverse("bulletins:download", args=[bulletin.pk, "docx"]),
    ):
        assert client.get(url).status_code == 404
    listing = client.get(reverse("bulletins:list"))
    assert listing.status_code == 404 or bulletin.title not in listing.content.decode()


def test_every_unit_reads_the_published_city_bulletin_but_not_another_towns(dataset, published, client):
    town_b = publish(dataset.bureau, draft(dataset.bureau, dataset.town_b))
    for persona in ("officer_a", "officer_b", "county_officer", "leader"):
        client.force_login(getattr(dataset, persona))
        assert client.get(reverse("bulletins:detail", args=[published.pk])).status_code == 200
        assert client.get(reverse("bulletins:download", args=[published.pk, "xlsx"])).status_code == 200
        assert published.title in client.get(reverse("bulletins:list")).content.decode()
    client.force_login(dataset.officer_a)
    assert client.get(reverse("bulletins:detail", args=[town_b.pk])).status_code == 404
    assert client.get(reverse("bulletins:changes", args=[published.pk])).status_code == 404
    for persona in ("sysadmin", "auditor"):
        client.force_login(getattr(dataset, persona))
        assert client.get(reverse("bulletins:detail", args=[published.pk])).status_code == 404
        assert client.get(reverse("bulletins:list")).status_code == 404


def test_downloads_are_audited(dataset, published, client):
    client.force_login(dataset.officer_a)
    response = client.get(reverse("bulletins:download", args=[published.pk, "xlsx"]))
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditLog.objects.filter(action="export", object_id=str(published.pk)).exists()


def test_a_plugged_in_section_fills_its_place(dataset, monkeypatch, settings):
    """An app plugs a section in with ``<app>/bulletin.py::bulletin_section(ctx)``."""
    module = types.ModuleType("zhaoshang.supervision.bulletin")
    module.bulletin_section = lambda ctx: Section("", "", [paragraph(f"截至{ctx.cutoff.month}月底，逾期问题2个。")])
    monkeypatch.setitem(sys.modules, "zhaoshang.supervision", types.ModuleType("zhaoshang.supervision"))
    monkeypatch.setitem(sys.modules, "zhaoshang.supervision.bulletin", module)
    monkeypatch.setattr("zhaoshang.bulletins.sections.apps.is_installed", lambda name: name == "zhaoshang.supervision")
    content = generate(draft(dataset.bureau, dataset.city), dataset.bureau).content
    problems = next(item for item in content["sections"] if item["key"] == "problems")
    assert problems["heading"] == "逾期未办结问题" and problems["number"] == "四、"
    assert problems["blocks"] == [{"type": "paragraph", "text": "截至7月底，逾期问题2个。"}]


def test_the_form_makes_a_draft_and_refuses_a_quarter_that_is_not_one(dataset, client):
    client.force_login(dataset.bureau)
    form = {
        "kind": "quarterly",
        "year": 2024,
        "month": 8,
        "scope": dataset.city.pk,
        "issuer": "示范市投资促进局",
        "issue_date": "2024-10-08",
        "title": "",
    }
    response = client.post(reverse("bulletins:create"), form)
    assert response.status_code == 200 and "季度通报的截止月份应为3、6、9或12月" in response.content.decode()
    assert not Bulletin.objects.exists()
    response = client.post(reverse("bulletins:create"), {**form, "month": 9})
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302 and bulletin.title == "全市招商引资工作季度通报（2024年第三季度）"
    page = client.get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    assert "1—9月，全市协议引资" in page
    future = datetime.date.today().year + 1
    response = client.post(reverse("bulletins:create"), {**form, "kind": "monthly", "year": future})
    assert "不能为尚未开始的月份起草通报" in response.content.decode()


def test_overdue_problems_and_the_closed_round_fill_their_sections(dataset):
    from zhaoshang.projects.models import Project
    from zhaoshang.scheduling.services import close_round, open_round
    from zhaoshang.supervision.models import Problem
    from zhaoshang.supervision.services import raise_problem

    p1 = Project.objects.get(name="P1")
    raise_problem(
        dataset.bureau,
        Problem(project=p1, category="land", description="用地指标未落实", raised_on=datetime.date(2024, 6, 1)),
        time_limit="2024-06-20",
    )
    round_ = open_round(
        dataset.bureau,
        kind="monthly",
        year=2024,
        month=7,
        deadline=datetime.date(2024, 8, 5),
        projects=Project.objects.filter(name__in=["P1", "P2"]),
    )
    close_round(dataset.bureau, round_)  # nobody reported
    generated = generate(draft(dataset.bureau, dataset.city), dataset.bureau)
    by_key = {item["key"]: item for item in generated.content["sections"]}
    problems = by_key["problems"]["blocks"]
    assert problems[0]["text"].startswith("截至7月31日，全市逾期未办结问题1个（其中已升级督办0个），涉及城关镇")
    assert [item["label"] for item in generated.numbers["lists"]["overdue_problems"]] == ["P1"]
    scheduling = by_key["scheduling"]["blocks"]
    assert scheduling[0]["text"].startswith(f"{round_.title}共纳入项目2个，按时报送0个、逾期报送0个、未报送2个")
    assert "城关镇（1个）" in scheduling[0]["text"] and "河口镇（1个）" in scheduling[0]["text"]
    assert {item["unit"] for item in generated.numbers["lists"]["scheduling"]} == {"城关镇", "河口镇"}
