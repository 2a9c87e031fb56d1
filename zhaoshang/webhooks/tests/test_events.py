"""Which subscriptions hear of what, by persona: each event type comes from its service,
a town's subscription hears only of its own town's objects, the county's of both towns,
the bureau's of everything; a rolled-back action, an inactive subscription and an
unsubscribed type send nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from zhaoshang.alerts.tests.conftest import scan_on, signed
from zhaoshang.bulletins.services import publish
from zhaoshang.bulletins.tests.factories import draft
from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import record_tranche, return_tranche, verify_tranche
from zhaoshang.projects.services import StageClaim, return_event, submit_stage, verify_event
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.supervision.models import Problem
from zhaoshang.supervision.services import escalate_overdue, raise_problem
from zhaoshang.supervision.tests.conftest import calendar  # noqa: F401 (the holiday calendar, as a fixture)
from zhaoshang.webhooks.models import Delivery

pytestmark = pytest.mark.django_db

ALL_EVENTS = [
    "project.created",
    "stage.submitted",
    "stage.verified",
    "stage.returned",
    "tranche.verified",
    "warning.raised",
    "warning.red",
    "problem.escalated",
    "bulletin.published",
]


@pytest.fixture
def subscriptions(personas, subscribe, settings):
    """One subscription each for town A, town B, the county and the bureau, to everything.
    Deliveries are written, not sent (no worker in these tests)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return {
        "a": subscribe(personas.officer_a, personas.town_a, ALL_EVENTS, name="城关镇")[0],
        "b": subscribe(personas.officer_b, personas.town_b, ALL_EVENTS, name="河口镇")[0],
        "county": subscribe(personas.county_officer, personas.county, ALL_EVENTS, name="示范县")[0],
        "bureau": subscribe(personas.bureau, None, ALL_EVENTS, name="招商局")[0],
    }


def heard(subscription, event_type=None):
    """(type, object id) of what the subscription was sent, in order."""
    rows = Delivery.objects.filter(subscription=subscription).order_by("id")
    if event_type:
        rows = rows.filter(event_type=event_type)
    return [(row.event_type, row.payload["data"]["id"]) for row in rows]


def town_project(personas, town, name):
    officer = personas.officer_a if town == personas.town_a else personas.officer_b
    return project(officer, town, name=name, investor=company(f"{name}投资方", unit=town))


def test_each_town_hears_only_of_its_own_projects_the_county_and_bureau_of_both(
    personas, subscriptions, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        a = town_project(personas, personas.town_a, "城关镇项目")
        b = town_project(personas, personas.town_b, "河口镇项目")
    assert heard(subscriptions["a"]) == [("project.created", a.pk)]
    assert heard(subscriptions["b"]) == [("project.created", b.pk)]
    assert heard(subscriptions["county"]) == [("project.created", a.pk), ("project.created", b.pk)]
    assert heard(subscriptions["bureau"]) == [("project.created", a.pk), ("project.created", b.pk)]
    # One event, one id, whoever hears it; each delivery its own row.
    ids = {row.event_id for row in Delivery.objects.filter(payload__data__id=a.pk)}
    assert len(ids) == 1 and Delivery.objects.filter(payload__data__id=a.pk).count() == 3


def test_a_project_landing_in_town_a_is_heard_by_town_a_too(
    personas, subscriptions, django_capture_on_commit_callbacks
):
    """Scope is the pages' scope: town A's officers see a project of town B that lands in
    town A (projects' PROJECT_SCOPE), so town A's subscription hears of it."""
    with django_capture_on_commit_callbacks(execute=True):
        landed = project(
            personas.officer_b,
            personas.town_b,
            name="落地城关镇的项目",
            landing_unit=personas.town_a,
            investor=company(unit=personas.town_b),
        )
    assert heard(subscriptions["a"]) == [("project.created", landed.pk)]


def test_stage_claims_and_decisions_go_to_the_owning_town_and_the_bureau(
    personas, subscriptions, django_capture_on_commit_callbacks
):
    b_project = town_project(personas, personas.town_b, "河口镇项目")
    a_project = town_project(personas, personas.town_a, "城关镇项目")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        signed_b = submit_stage(personas.officer_b, b_project, StageClaim("signed", today, Decimal("8000.5")))
        signed_a = submit_stage(personas.officer_a, a_project, StageClaim("signed", today, Decimal("300")))
        verify_event(personas.bureau, signed_b)
        return_event(personas.bureau, signed_a, "合同金额与附件不符")
    assert heard(subscriptions["a"], "stage.submitted") == [("stage.submitted", signed_a.pk)]
    assert heard(subscriptions["a"], "stage.verified") == []
    assert heard(subscriptions["a"], "stage.returned") == [("stage.returned", signed_a.pk)]
    assert heard(subscriptions["b"], "stage.verified") == [("stage.verified", signed_b.pk)]
    assert heard(subscriptions["b"], "stage.returned") == []
    assert len(heard(subscriptions["bureau"], "stage.submitted")) == 2
    returned = Delivery.objects.get(subscription=subscriptions["a"], event_type="stage.returned").payload["data"]
    assert returned["return_reason"] == "合同金额与附件不符" and returned["status_label"] == "退回"
    verified = Delivery.objects.get(subscription=subscriptions["bureau"], event_type="stage.verified").payload
    assert verified["data"]["amount"] == "8000.5"  # exact, as entered


def test_a_verified_tranche_goes_to_its_town(personas, subscriptions, django_capture_on_commit_callbacks):
    b_project = town_project(personas, personas.town_b, "河口镇项目")
    tranche = record_tranche(
        personas.officer_b,
        FundsTranche(
            project=b_project, date=datetime.date(2024, 6, 3), amount=Decimal("1234.5678"), source="outside_province"
        ),
    )
    other = record_tranche(
        personas.officer_b,
        FundsTranche(project=b_project, date=datetime.date(2024, 6, 4), amount=Decimal("1"), source="outside_province"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        verify_tranche(personas.bureau, tranche)
        return_tranche(personas.bureau, other, "凭证不清")  # no tranche.returned in the list
    assert heard(subscriptions["a"]) == []
    assert heard(subscriptions["b"], "tranche.verified") == [("tranche.verified", tranche.pk)]
    data = Delivery.objects.get(subscription=subscriptions["b"], event_type="tranche.verified").payload["data"]
    assert data["amount"] == "1234.5678" and data["url"].endswith(f"/funds/{tranche.pk}/")


def test_new_and_red_warnings_reach_the_town_they_concern(personas, subscriptions, django_capture_on_commit_callbacks):
    signed(personas, personas.town_b, name="河口镇久未开工", agreed_start_on=datetime.date(2024, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        scan_on(datetime.date(2025, 9, 1))
    raised = heard(subscriptions["b"], "warning.raised")
    assert raised and heard(subscriptions["a"]) == []
    assert heard(subscriptions["bureau"], "warning.raised") == raised
    reds = Delivery.objects.filter(subscription=subscriptions["b"], event_type="warning.red")
    assert reds.exists() and all(row.payload["data"]["level"] == "red" for row in reds)
    assert {row.payload["data"]["level_label"] for row in reds} == {"红色预警"}
    with django_capture_on_commit_callbacks(execute=True):
        scan_on(datetime.date(2025, 9, 1))  # the same warnings again: nothing new
    assert heard(subscriptions["b"], "warning.raised") == raised


def test_an_escalated_problem_goes_to_its_town(personas, subscriptions, calendar, django_capture_on_commit_callbacks):  # noqa: F811
    problem = raise_problem(
        personas.officer_a,
        Problem(
            project=town_project(personas, personas.town_a, "城关镇项目"),
            category="land",
            description="用地指标未落实",
            raised_on=datetime.date(2025, 10, 1),
        ),
        time_limit="2025-10-10",
    )
    with django_capture_on_commit_callbacks(execute=True):
        escalate_overdue(datetime.date(2025, 10, 13))
    assert heard(subscriptions["a"], "problem.escalated") == [("problem.escalated", problem.pk)]
    assert heard(subscriptions["b"]) == []
    data = Delivery.objects.get(subscription=subscriptions["a"], event_type="problem.escalated").payload["data"]
    assert data["escalated_on"] == "2025-10-13" and data["unit"]["code"] == "SFX-CG"


def test_a_published_county_bulletin_goes_to_the_county_and_its_towns(
    personas, subscriptions, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bulletin = publish(personas.bureau, draft(personas.bureau, personas.county))
    for key in ("a", "b", "county", "bureau"):
        assert heard(subscriptions[key]) == [("bulletin.published", bulletin.pk)], key
    with django_capture_on_commit_callbacks(execute=True):
        town = publish(personas.bureau, draft(personas.bureau, personas.town_a, month=8))
    assert heard(subscriptions["b"], "bulletin.published") == [("bulletin.published", bulletin.pk)]
    assert ("bulletin.published", town.pk) in heard(subscriptions["a"])


def test_nothing_is_sent_for_a_rolled_back_action_an_inactive_subscription_or_another_type(
    personas, subscribe, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    subscribe(personas.officer_a, personas.town_a, ["stage.verified"])
    inactive, _ = subscribe(personas.officer_a, personas.town_a, ["project.created"], name="停用的")
    inactive.active = False
    inactive.save()
    with django_capture_on_commit_callbacks(execute=True):
        town_project(personas, personas.town_a, "城关镇项目")
        with pytest.raises(RuntimeError), transaction.atomic():
            town_project(personas, personas.town_a, "回滚的项目")
            raise RuntimeError
    assert not Delivery.objects.exists()


def test_the_ledgers_the_bureau_confirms_while_importing_are_not_events(
    personas, subscriptions, django_capture_on_commit_callbacks
):
    a_project = town_project(personas, personas.town_a, "城关镇项目")
    claim = submit_stage(personas.officer_a, a_project, StageClaim("signed", timezone.localdate(), Decimal("1")))
    with django_capture_on_commit_callbacks(execute=True):
        verify_event(personas.bureau, claim, by_import=True)
    assert heard(subscriptions["a"], "stage.verified") == []


def test_a_warning_that_turns_red_in_a_later_scan_is_sent_as_red_once(
    personas, subscriptions, django_capture_on_commit_callbacks
):
    signed(personas, personas.town_a, name="城关镇逾期开工", agreed_start_on=datetime.date(2024, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        scan_on(datetime.date(2024, 5, 3))
    raised = heard(subscriptions["a"], "warning.raised")
    yellow = [
        pk for _, pk in raised if Delivery.objects.filter(payload__data__id=pk, payload__data__level="yellow").exists()
    ]
    assert yellow and heard(subscriptions["a"], "warning.red") == []
    with django_capture_on_commit_callbacks(execute=True):
        scan_on(datetime.date(2025, 9, 1))
        scan_on(datetime.date(2025, 9, 2))
    reds = [pk for _, pk in heard(subscriptions["a"], "warning.red")]
    assert set(yellow) <= set(reds) and len(reds) == len(set(reds))
    assert heard(subscriptions["b"]) == []
