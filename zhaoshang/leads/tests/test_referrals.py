"""Referrals (引荐), reward eligibility (引荐奖励) and payouts (奖励兑现), by persona."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.core.choices import Verification
from zhaoshang.leads.choices import RewardAmountKind, RewardCondition, SourceKind
from zhaoshang.leads.models import Payout, Referral, RewardRule
from zhaoshang.leads.referrals import reward_eligibility
from zhaoshang.leads.tests.factories import (
    notable,
    production_rule,
    referral_by_notable,
    town_b_payout,
)
from zhaoshang.projects.tests.factories import project
from zhaoshang.relations.choices import LocalStatus
from zhaoshang.relations.models import Company, Intermediary
from zhaoshang.review.services import queue_rows, waiting_querysets

pytestmark = pytest.mark.django_db


# --- Recording who brought a project ---------------------------------------------------------------


def test_an_officer_records_a_notable_from_the_project_page_and_the_contact_page_shows_it(personas, client):
    lead = project(personas.officer_a, personas.town_a, name="乡贤回归电子项目")
    person = notable(personas, personas.officer_a, personas.town_a, name="陈乡贤")
    client.force_login(personas.officer_a)
    page = client.get(reverse("projects:detail", args=[lead.pk])).content.decode()
    assert "登记引荐来源" in page
    url = reverse("leads:referral_create", args=[lead.pk])
    form = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "token": _token(form),
            "source_kind": SourceKind.NOTABLE,
            "contact": person.pk,
            "referred_on": "2024-03-01",
            "note": "春节返乡座谈时引荐",
            "is_primary": "on",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.contact == person and referral.created_by == personas.officer_a
    assert "陈乡贤" in client.get(reverse("projects:detail", args=[lead.pk])).content.decode()
    assert "乡贤回归电子项目" in client.get(reverse("relations:contact_detail", args=[person.pk])).content.decode()


def _token(page: str) -> str:
    marker = 'name="token" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_exactly_one_source_of_its_kind_and_one_primary_referral_per_project(personas, client):
    lead = project(personas.officer_a, personas.town_a)
    outsider = Company.objects.create(name="外地某集团", local_status=LocalStatus.EXTERNAL)
    chamber = Intermediary.objects.create(name="上海市某商会", kind="regional_chamber")
    client.force_login(personas.officer_a)
    url = reverse("leads:referral_create", args=[lead.pk])

    def post(**fields):
        data = {"token": _token(client.get(url).content.decode()), "referred_on": "2024-03-01", **fields}
        return client.post(url, data)

    page = post(source_kind=SourceKind.INTERMEDIARY).content.decode()
    assert "请选择中介机构" in page
    page = post(source_kind=SourceKind.LOCAL_FIRM, company=outsider.pk).content.decode()
    assert "选择一个有效的选项" in page or "存量企业" in page
    page = post(
        source_kind=SourceKind.OTHER,
        source_text="",
        referred_on=str(datetime.date.today() + datetime.timedelta(days=5)),
    ).content.decode()
    assert "引荐日期不能晚于今天" in page
    assert not Referral.objects.exists()
    # The chamber is named; the other sources it typed are cleared, not kept.
    post(source_kind=SourceKind.INTERMEDIARY, intermediary=chamber.pk, source_text="顺带写的", is_primary="on")
    referral = Referral.objects.get()
    assert referral.intermediary == chamber and referral.source_text == "" and referral.is_primary
    page = post(source_kind=SourceKind.OTHER, source_text="校友会", is_primary="on").content.decode()
    assert "已有主要引荐来源" in page and Referral.objects.count() == 1


def test_town_b_cannot_see_town_as_referral_or_payout(personas, client):
    production_rule()
    referral = referral_by_notable(personas, personas.officer_a, personas.town_a)
    from zhaoshang.leads.referrals import record_payout

    payout = record_payout(
        personas.officer_a,
        referral,
        Payout(amount=Decimal("5"), paid_on=datetime.date(2025, 1, 10), evidence="财拨〔2025〕3号"),
    )
    client.force_login(personas.officer_b)
    for name in ("leads:referral_list", "leads:reward_list"):
        assert "安泰电容投产项目" not in client.get(reverse(name)).content.decode()
    assert client.get(reverse("leads:referral_detail", args=[referral.pk])).status_code == 404
    assert client.get(reverse("leads:payout_detail", args=[payout.pk])).status_code == 404
    assert client.get(reverse("leads:payout_create", args=[referral.pk])).status_code == 404
    client.force_login(personas.officer_a)
    assert "安泰电容投产项目" in client.get(reverse("leads:referral_list")).content.decode()
    for persona in (personas.sysadmin, personas.auditor):
        client.force_login(persona)
        assert client.get(reverse("leads:referral_list")).status_code == 404


def test_the_list_filters_by_source_kind_and_unit_and_shows_the_conversion(personas, client):
    referral_by_notable(personas, personas.officer_a, personas.town_a)
    other = project(personas.officer_b, personas.town_b, name="河口镇客商项目")
    Referral.objects.create(project=other, source_kind=SourceKind.OTHER, source_text="校友会", referred_on="2024-05-01")
    client.force_login(personas.bureau)
    page = client.get(reverse("leads:referral_list"), {"source_kind": SourceKind.NOTABLE}).content.decode()
    assert "安泰电容投产项目" in page and "河口镇客商项目" not in page
    page = client.get(reverse("leads:referral_list"), {"unit": personas.town_b.pk}).content.decode()
    assert "河口镇客商项目" in page and "安泰电容投产项目" not in page
    assert 'data-testid="referral-conversion"' in page


def test_the_conversion_counts_each_referred_project_once_by_its_primary_source(personas):
    from zhaoshang.leads.referrals import referral_conversion

    produced = referral_by_notable(personas, personas.officer_a, personas.town_a)
    Referral.objects.create(
        project=produced.project,
        source_kind=SourceKind.OTHER,
        source_text="另一来源",
        referred_on="2024-02-01",
        is_primary=False,
    )
    early = project(personas.officer_a, personas.town_a, name="在谈项目")
    Referral.objects.create(
        project=early, source_kind=SourceKind.NOTABLE, contact=produced.contact, referred_on="2024-06-01"
    )
    rows = {row.kind: row for row in referral_conversion(Referral.objects.all())}
    assert (rows["notable"].referred, rows["notable"].signed, rows["notable"].landed) == (2, 1, 1)
    assert rows["notable"].signed_rate == Decimal("50.0") and "other" not in rows
    assert rows["total"].referred == 2


# --- Eligibility, hand-worked ----------------------------------------------------------------------------


def test_in_production_within_the_days_after_the_agreed_date_is_eligible(personas):
    # Agreed 2024-12-31, produced 2024-11-20 (verified): early, so within 90 days.
    production_rule(days=90, amount="5")
    referral = referral_by_notable(personas, personas.officer_a, personas.town_a)
    found = reward_eligibility(referral)
    assert found.eligible and found.amount == Decimal("5")
    assert "按期投产奖励（90天）" in found.summary and "2024-11-20" in found.summary and "2025-03-31" in found.summary


def test_in_production_after_the_days_allowed_is_not_eligible(personas):
    # Agreed 2024-12-31 + 30 days = 2025-01-30; produced 2025-03-01 → 30 days late.
    production_rule(days=30)
    referral = referral_by_notable(personas, personas.officer_a, personas.town_a, produced=datetime.date(2025, 3, 1))
    found = reward_eligibility(referral)
    assert not found.eligible and found.amount is None
    assert "晚于约定投产日期 2024-12-31 后 30 天（2025-01-30）30 天" in found.summary


def test_an_official_referrer_and_colleagues_are_excluded_whatever_the_project_did(personas):
    production_rule()
    official = referral_by_notable(personas, personas.officer_a, personas.town_a, official=True)
    found = reward_eligibility(official)
    assert not found.eligible and "公职人员" in found.summary
    colleague = Referral(
        project=official.project, source_kind=SourceKind.COLLEAGUE, referred_on=datetime.date(2024, 3, 1)
    )
    assert "本职工作" in reward_eligibility(colleague).summary


def test_a_percent_of_verified_funds_rule_computes_the_amount_exactly(personas):
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.funds.services import verify_tranche

    referral = referral_by_notable(personas, personas.officer_a, personas.town_a)
    RewardRule.objects.create(
        name="资金到位奖励",
        source_kinds=[SourceKind.NOTABLE],
        condition=RewardCondition.FUNDS_AT_LEAST,
        min_funds=Decimal("1000"),
        amount_kind=RewardAmountKind.PERCENT_OF_FUNDS,
        amount=Decimal("0.5"),
        active_from=datetime.date(2024, 1, 1),
    )
    assert not reward_eligibility(referral).eligible  # no money yet
    for amount in ("1000.3333", "233.0001"):
        tranche = FundsTranche.objects.create(
            project=referral.project, date=datetime.date(2024, 12, 1), amount=Decimal(amount), source="enterprise"
        )
        verify_tranche(personas.bureau, tranche)
    found = reward_eligibility(referral)
    # 1233.3334 × 0.5% = 6.166667 → 6.1667 万元 (to the 元, half-up).
    assert found.eligible and found.amount == Decimal("6.1667")


def test_a_rule_not_yet_in_force_on_the_referral_date_does_not_apply(personas):
    RewardRule.objects.create(
        name="新规则",
        source_kinds=[SourceKind.NOTABLE],
        condition=RewardCondition.IN_PRODUCTION_IN_TIME,
        within_days=90,
        amount_kind=RewardAmountKind.FIXED,
        amount=Decimal("5"),
        active_from=datetime.date(2025, 1, 1),
    )
    referral = referral_by_notable(personas, personas.officer_a, personas.town_a)
    assert "没有适用于「乡贤」引荐" in reward_eligibility(referral).summary


# --- Payouts ------------------------------------------------------------------------------------------------


def test_a_payout_waits_in_the_review_queue_and_the_bureau_verifies_it_not_an_officer(personas, client):
    payout = town_b_payout(personas)
    assert payout.status == Verification.SUBMITTED
    client.force_login(personas.officer_b)
    page = client.get(reverse("leads:payout_detail", args=[payout.pk])).content.decode()
    assert "审核通过" not in page.replace("待审核", "")
    client.post(reverse("leads:payout_verify", args=[payout.pk]))
    payout.refresh_from_db()
    assert payout.status == Verification.SUBMITTED
    # The bureau finds it among the waiting claims of the review queue.
    keys = [kind for _, _, kind in queue_rows(waiting_querysets(personas.bureau, "verify"))]
    assert "payout" in keys
    client.force_login(personas.bureau)
    assert "引荐奖励兑现" in client.get(reverse("review:queue")).content.decode()
    client.post(reverse("leads:payout_verify", args=[payout.pk]))
    payout.refresh_from_db()
    assert payout.status == Verification.VERIFIED and payout.verified_by == personas.bureau
    client.force_login(personas.officer_b)
    page = client.get(reverse("leads:referral_detail", args=[payout.referral_id])).content.decode()
    assert "已审核" in page or "审核通过" in page
    # Verified: fixed for the unit.
    assert client.get(reverse("leads:payout_edit", args=[payout.pk])).status_code in (403, 404)


def test_a_payout_is_refused_for_an_ineligible_referral_and_above_the_reward(personas, client):
    from zhaoshang.leads.referrals import record_payout

    production_rule(amount="5")
    official = referral_by_notable(personas, personas.officer_a, personas.town_a, official=True)
    with pytest.raises(Exception, match="不符合引荐奖励条件"):
        record_payout(
            personas.officer_a, official, Payout(amount=Decimal(1), paid_on=datetime.date(2025, 1, 1), evidence="x")
        )
    official.referrer_is_official = False
    official.save()
    client.force_login(personas.officer_a)
    url = reverse("leads:payout_create", args=[official.pk])
    page = client.post(
        url,
        {"token": _token(client.get(url).content.decode()), "amount": "6", "paid_on": "2025-01-10", "evidence": "回单"},
    ).content.decode()
    assert "超过应奖励金额 5 万元" in page and not Payout.objects.exists()


def test_reward_rules_are_the_bureaus_and_read_by_officers(personas, client):
    rule = production_rule()
    client.force_login(personas.officer_a)
    assert client.get(reverse("leads:rule_detail", args=[rule.pk])).status_code == 200
    assert client.get(reverse("leads:rule_edit", args=[rule.pk])).status_code == 404
    assert client.get(reverse("leads:rule_create")).status_code == 404
    client.force_login(personas.bureau)
    response = client.post(
        reverse("leads:rule_create"),
        {
            "name": "资金到位奖励",
            "source_kinds": ["intermediary"],
            "condition": "funds_at_least",
            "amount_kind": "percent_of_funds",
            "amount": "1",
            "active_from": "2025-01-01",
        },
    )
    assert "资金到位的规则须填写到位资金下限" in response.content.decode()
    assert RewardRule.objects.count() == 1


def test_the_reward_list_explains_each_referral_and_the_sources_pages_list_what_they_brought(personas, client):
    production_rule()
    referral = referral_by_notable(personas, personas.officer_a, personas.town_a)
    chamber = Intermediary.objects.create(name="上海市某商会", kind="regional_chamber")
    firm = Company.objects.create(name="本地龙头企业", local_status=LocalStatus.LOCAL)
    other = project(personas.officer_a, personas.town_a, name="商会引荐项目")
    Referral.objects.create(
        project=other, source_kind=SourceKind.INTERMEDIARY, intermediary=chamber, referred_on="2024-05-01"
    )
    third = project(personas.officer_a, personas.town_a, name="以商招商项目")
    Referral.objects.create(project=third, source_kind=SourceKind.LOCAL_FIRM, company=firm, referred_on="2024-05-01")
    client.force_login(personas.officer_a)
    page = client.get(reverse("leads:reward_list")).content.decode()
    assert "符合「按期投产奖励（90天）」" in page and "项目未填写协议约定投产日期" in page
    assert "按期投产奖励（90天）" in client.get(reverse("leads:rule_list")).content.decode()
    detail = client.get(reverse("leads:referral_detail", args=[referral.pk])).content.decode()
    assert "符合奖励条件" in detail and "登记兑现" in detail
    assert "商会引荐项目" in client.get(reverse("relations:intermediary_detail", args=[chamber.pk])).content.decode()
    assert "以商招商项目" in client.get(reverse("relations:company_detail", args=[firm.pk])).content.decode()
    # Town B reads the shared intermediary, not town A's referral through it.
    client.force_login(personas.officer_b)
    assert (
        "商会引荐项目" not in client.get(reverse("relations:intermediary_detail", args=[chamber.pk])).content.decode()
    )
