import datetime
from decimal import Decimal

import pytest

from zhaoshang.api.choices import ALL_SCOPES


@pytest.fixture
def token_for(db):
    """``token_for(user, scopes=…)`` → the raw token (all scopes by default).

    Any scope asked for, even one the user's role cannot use (which ``create_token``
    refuses, tested in test_service_accounts): so that tests prove the endpoints refuse a
    role themselves, as they must for a token made before its owner's role changed."""
    from unittest import mock

    from zhaoshang.api import services

    def make(user, scopes=None, days=30, allowed_networks=""):
        with mock.patch.object(services, "usable_scopes", lambda user: ALL_SCOPES):
            return services.create_token(
                user, name="测试令牌", scopes=scopes or ALL_SCOPES, days=days, allowed_networks=allowed_networks
            ).secret

    return make


@pytest.fixture
def call(client):
    """``call(token, "get", "/api/v1/projects", data=…, headers=…)``: a JSON request with the token."""
    import json

    def send(token, method, path, data=None, headers=None, **extra):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if method in ("post", "patch", "put") and data is not None and not isinstance(data, (str, bytes)):
            data = json.dumps(data)
        kwargs = {"content_type": "application/json"} if method in ("post", "patch", "put") else {}
        return getattr(client, method)(path, data=data, headers=headers, **kwargs, **extra)

    return send


@pytest.fixture
def world(personas):
    """Town A's and town B's project, each with a problem and a leader's instruction on it,
    an open round with a report from each town, a published bulletin and a draft, a
    published assessment result ranking both towns, and town A's own relations and
    fieldwork records (``personas.extra``)."""
    from django.core.management import call_command

    from zhaoshang.assessment.models import AssessmentScheme
    from zhaoshang.assessment.services import publish as publish_result
    from zhaoshang.assessment.services import save_scheme
    from zhaoshang.bulletins.services import publish as publish_bulletin
    from zhaoshang.bulletins.tests.factories import draft
    from zhaoshang.projects.models import Project
    from zhaoshang.projects.tests.factories import project
    from zhaoshang.scheduling.models import RoundItem
    from zhaoshang.scheduling.services import open_round
    from zhaoshang.stats.choices import Indicator
    from zhaoshang.supervision.models import Instruction
    from zhaoshang.supervision.services import write_instruction
    from zhaoshang.supervision.tests.factories import problem_of

    call_command("load_reference", only="holidays", verbosity=0)
    p, extra = personas, personas.extra
    extra["mine"] = project(p.officer_a, p.town_a, name="城关镇的项目")
    extra["theirs"] = project(p.officer_b, p.town_b, name="河口镇的项目")
    extra["my_problem"] = problem_of(p.officer_a, extra["mine"], description="城关镇：用地指标")
    extra["their_problem"] = problem_of(p.officer_b, extra["theirs"], description="河口镇：电力增容")
    extra["my_instruction"] = write_instruction(
        p.leader, Instruction(project=extra["mine"], problem=extra["my_problem"], text="尽快落实用地")
    )
    extra["their_instruction"] = write_instruction(
        p.leader,
        Instruction(project=extra["theirs"], problem=extra["their_problem"], text="请市电力公司协调增容"),
    )
    round_ = open_round(
        p.bureau,
        kind="monthly",
        year=2026,
        month=10,
        projects=Project.objects.filter(pk__in=[extra["mine"].pk, extra["theirs"].pk]),
    )
    extra["round"] = round_
    extra["my_report"] = RoundItem.objects.get(round=round_, project=extra["mine"])
    extra["their_report"] = RoundItem.objects.get(round=round_, project=extra["theirs"])
    extra["published"] = publish_bulletin(p.bureau, draft(p.bureau, p.city, year=2024, month=7))
    extra["draft"] = draft(p.bureau, p.city, year=2024, month=8)
    scheme = save_scheme(
        p.bureau,
        AssessmentScheme(name="乡镇招商考核", year=2024, parent=p.county),
        [(Indicator.CONTRACTED_INVESTMENT, Decimal(60)), (Indicator.SIGNED_COUNT, Decimal(40))],
        [],
    )
    extra["result"] = publish_result(p.bureau, scheme, "m7", today=datetime.date(2024, 8, 15))
    _network_and_fieldwork(p)
    return p


def _network_and_fieldwork(p):
    """Town A's own company, contact (with a phone), meeting, intermediary and agreement,
    trip with a visit, and a campaign: what the relations and fieldwork endpoints take."""
    from zhaoshang.fieldwork.models import Campaign, TripVisit
    from zhaoshang.fieldwork.tests.factories import trip
    from zhaoshang.projects.tests.factories import company
    from zhaoshang.relations.models import Contact, Interaction, Intermediary, PromotionAgreement

    extra = p.extra
    extra["my_company"] = company(name="城关镇录入的企业有限公司", unit=p.town_a)
    extra["my_contact"] = Contact.objects.create(
        company=extra["my_company"], name="李总", phone="13812345678", wechat="lizong88", keeping_unit=p.town_a
    )
    extra["my_interaction"] = Interaction.objects.create(
        kind="visit", date=datetime.date(2024, 5, 6), unit=p.town_a, company=extra["my_company"], content="拜访"
    )
    extra["my_intermediary"] = Intermediary.objects.create(
        name="上海示范商会", kind="regional_chamber", created_by_unit=p.town_a
    )
    extra["my_agreement"] = PromotionAgreement.objects.create(
        intermediary=extra["my_intermediary"],
        unit=p.town_a,
        title="委托上海示范商会招商",
        scope="电子信息",
        start_on=datetime.date(2024, 1, 1),
        end_on=datetime.date(2025, 12, 31),
    )
    extra["my_trip"] = trip(p.town_a, leader="城关镇长", title="镇长")
    TripVisit.objects.create(trip=extra["my_trip"], visited_name="城关镇录入的企业有限公司")
    extra["my_campaign"] = Campaign.objects.create(
        name="城关镇招商推介会", kind="promotion", start_on=datetime.date(2026, 5, 8), organiser=p.town_a
    )
