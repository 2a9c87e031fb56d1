"""Tranches are entered by units, verified by the bureau, and summed exactly."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from zhaoshang.funds.models import FundsTranche
from zhaoshang.funds.services import project_funds, record_tranche, return_tranche, verify_tranche
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db


def tranche(p, amount, **fields):
    fields.setdefault("date", datetime.date(2024, 5, 1))
    fields.setdefault("source", "outside_province")
    return FundsTranche(project=p, amount=Decimal(amount), **fields)


def test_a_unit_records_a_tranche_and_the_bureau_verifies_it(personas):
    p = project(personas.officer_a, personas.town_a, stage="signed", total="20000")
    t = record_tranche(personas.officer_a, tranche(p, "1000.5"))
    assert project_funds(p).verified == 0 and project_funds(p).submitted == Decimal("1000.5")
    with pytest.raises(PermissionDenied):
        verify_tranche(personas.officer_a, t)
    verify_tranche(personas.bureau, t)
    funds = project_funds(p)
    assert funds.verified == Decimal("1000.5")
    assert funds.rate == Decimal("1000.5") / Decimal("20000")


def test_another_town_cannot_record_money_for_this_project(personas):
    p = project(personas.officer_a, personas.town_a)
    with pytest.raises(PermissionDenied):
        record_tranche(personas.officer_b, tranche(p, "10"))


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"amount": "0"}, "amount"), ({"amount": "5", "date": datetime.date(2099, 1, 1)}, "date")],
)
def test_nonsense_tranches_are_refused_in_chinese(personas, fields, field):
    p = project(personas.officer_a, personas.town_a)
    amount = fields.pop("amount")
    with pytest.raises(ValidationError) as error:
        record_tranche(personas.officer_a, tranche(p, amount, **fields))
    assert field in error.value.message_dict
    assert FundsTranche.objects.count() == 0


def test_a_returned_tranche_needs_a_reason_and_does_not_count(personas):
    p = project(personas.officer_a, personas.town_a, total="100")
    t = record_tranche(personas.officer_a, tranche(p, "50"))
    with pytest.raises(ValidationError):
        return_tranche(personas.bureau, t, "")
    return_tranche(personas.bureau, t, "凭证不清晰")
    assert project_funds(p).verified == 0


def test_the_import_funds_command_refuses_a_file_with_unknown_projects(personas, tmp_path):
    from django.core.management.base import CommandError

    from zhaoshang.imports.tests.conftest import sample_bytes

    path = tmp_path / "funds.xlsx"
    path.write_bytes(sample_bytes("funds-2024.xlsx"))
    with pytest.raises(CommandError) as error:
        call_command("import_funds", str(path), "--unit", "SFX")
    assert "未导入任何数据" in str(error.value)
    assert FundsTranche.objects.count() == 0
