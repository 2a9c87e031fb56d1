"""Intermediaries (中介机构) and entrusted-promotion agreements, by persona."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.relations.models import Intermediary, PromotionAgreement

pytestmark = pytest.mark.django_db


def test_an_officer_enters_a_chamber_and_an_agreement_other_towns_do_not_see(personas, client):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("relations:intermediary_create"),
        {"name": "深圳示范商会", "kind": "regional_chamber", "regions": "粤港澳大湾区", "sectors": "电子信息"},
    )
    assert response.status_code == 302
    chamber = Intermediary.objects.get()
    assert chamber.created_by_unit == personas.town_a
    add = reverse("relations:agreement_add", args=[chamber.pk])
    data = {
        "title": "委托深圳示范商会招商",
        "scope": "电子信息产业链企业",
        "start_on": "2024-01-01",
        "end_on": "2025-12-31",
        "reward_terms": "项目投产后按到位资金 1‰ 奖励",
        "fee_amount": "1,200",
        "results": "推荐企业 3 家",
    }
    assert client.post(add, {**data, "end_on": "2023-12-31"}).status_code == 200
    assert not PromotionAgreement.objects.exists()
    assert client.post(add, data).status_code == 302
    agreement = PromotionAgreement.objects.get()
    assert agreement.unit == personas.town_a and agreement.fee_amount == Decimal("1200")
    page = client.get(reverse("relations:intermediary_detail", args=[chamber.pk])).content.decode()
    assert "委托深圳示范商会招商" in page and "1‰" in page
    # The list is shared; the agreement is the unit's own.
    client.force_login(personas.officer_b)
    page = client.get(reverse("relations:intermediary_detail", args=[chamber.pk])).content.decode()
    assert "深圳示范商会" in page and "委托深圳示范商会招商" not in page
    assert client.get(reverse("relations:agreement_edit", args=[agreement.pk])).status_code == 404
    assert client.get(reverse("relations:intermediary_edit", args=[chamber.pk])).status_code == 404


def test_intermediaries_are_found_by_pinyin_initials_region_and_kind(personas, client):
    Intermediary.objects.create(name="上海示范商会", kind="regional_chamber", regions="长三角")
    Intermediary.objects.create(name="华南律师事务所", kind="law_firm")
    client.force_login(personas.officer_b)
    url = reverse("relations:intermediary_list")
    for query in ({"q": "shsf"}, {"q": "长三角"}, {"kind": "regional_chamber"}):
        content = client.get(url, query).content.decode()
        assert "上海示范商会" in content and "华南律师事务所" not in content, query
    assert PromotionAgreement.objects.count() == 0
