"""What officers judge about a project (落地可能性, 竞争地区, 总部类型) and, for a dropped one,
where it went and why (流失去向/原因): typed on the form, read from ledgers, shown on the page."""

import pytest
from django.urls import reverse

from zhaoshang.imports.ledger import _choice
from zhaoshang.projects.choices import HeadquartersKind, Likelihood, LossReason
from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.factories import project
from zhaoshang.reference.models import Division

pytestmark = pytest.mark.django_db


def _form_data(lead, **changes):
    data = {
        "name": lead.name,
        "construction_nature": lead.construction_nature or "new",
        "responsible_unit": lead.responsible_unit_id,
        "stage": lead.stage,
        "total_investment": "50000",
        "version": lead.version,
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


def test_the_judgement_is_saved_from_the_form_and_shown_on_the_page(personas, client):
    lead = project(personas.officer_a, personas.town_a, name="区域结算中心项目")
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("projects:edit", args=[lead.pk]),
        _form_data(lead, landing_likelihood="high", competitor_regions="合肥、武汉", headquarters_kind="regional"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lead = Project.objects.get(pk=lead.pk)
    assert (lead.landing_likelihood, lead.competitor_regions, lead.headquarters_kind) == (
        "high",
        "合肥、武汉",
        "regional",
    )
    page = client.get(reverse("projects:detail", args=[lead.pk])).content.decode()
    assert "区域总部" in page and "高 / 合肥、武汉" in page
    assert [p.pk for p in Project.objects.filter(headquarters_kind="regional")] == [lead.pk]
    listed = client.get(reverse("projects:list"), {"headquarters_kind": "regional"}).content.decode()
    assert "区域结算中心项目" in listed


def test_where_a_project_went_is_refused_unless_it_was_dropped(personas, client):
    lead = project(personas.officer_a, personas.town_a)
    division = Division.objects.get_or_create(
        code="340100", defaults={"name": "合肥市", "level": 2, "province_code": "34"}
    )[0]
    client.force_login(personas.officer_a)
    page = client.post(
        reverse("projects:edit", args=[lead.pk]), _form_data(lead, lost_to_division=division.pk, lost_reason="policy")
    ).content.decode()
    assert "只有退库的项目才填写流失去向和流失原因" in page
    assert Project.objects.get(pk=lead.pk).lost_reason == ""


@pytest.mark.parametrize(
    ("what", "written", "meant"),
    [
        ("落地可能性", "高", Likelihood.HIGH),
        ("落地可能性", "较大", Likelihood.HIGH),
        ("落地可能性", "一般", Likelihood.MEDIUM),
        ("落地可能性", "较低", Likelihood.LOW),
        ("总部类型", "区域总部", HeadquartersKind.REGIONAL),
        ("总部类型", "华东区结算中心", HeadquartersKind.FUNCTIONAL),
        ("总部类型", "企业总部", HeadquartersKind.CORPORATE),
        ("流失原因", "对方给的补贴更高", LossReason.POLICY),
        ("流失原因", "用地指标不足", LossReason.FACTORS),
        ("流失原因", "企业资金链紧张", LossReason.INVESTOR),
    ],
)
def test_ledgers_write_these_the_way_clerks_do(what, written, meant):
    choices = {"落地可能性": Likelihood, "总部类型": HeadquartersKind, "流失原因": LossReason}[what].choices
    assert _choice(choices, written, what) == meant


def test_the_list_offers_the_judgement_as_columns_and_exports_them(personas, client):
    lead = project(personas.officer_a, personas.town_a, name="区域结算中心项目")
    lead.headquarters_kind, lead.landing_likelihood, lead.competitor_regions = "regional", "high", "合肥"
    lead.save()
    client.force_login(personas.officer_a)
    client.post(
        reverse("projects:list"), {"columns": ["headquarters_kind", "landing_likelihood", "competitor_regions"]}
    )
    page = client.get(reverse("projects:list")).content.decode()
    assert "区域总部" in page and "合肥" in page
