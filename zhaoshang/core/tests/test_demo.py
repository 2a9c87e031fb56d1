"""The demo city: every role can sign in, nothing is duplicated, never in production."""

import csv
import io
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.demo import DATA, DEMO_PASSWORD_DEFAULT
from zhaoshang.accounts.models import Unit, User
from zhaoshang.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_seeding_twice_changes_nothing_the_second_time():
    call_command("seed_demo", "--no-business-data", verbosity=0)
    counts = (Unit.objects.count(), User.objects.count(), AuditLog.objects.count())
    call_command("seed_demo", "--no-business-data", verbosity=0)
    assert (Unit.objects.count(), User.objects.count(), AuditLog.objects.count()) == counts
    assert counts[0] > 50


def test_every_role_has_a_demo_account_that_signs_in(client):
    call_command("seed_demo", "--no-business-data", verbosity=0)
    demo = User.objects.filter(is_demo=True)
    assert set(demo.values_list("role", flat=True)) == set(Role.values)
    for user in demo:
        assert client.login(username=user.username, password=DEMO_PASSWORD_DEFAULT), user.username
        client.logout()


def test_the_demo_password_satisfies_the_password_policy():
    validate_password(DEMO_PASSWORD_DEFAULT)


def test_the_sample_county_is_in_the_demo_city_with_its_aliases():
    call_command("seed_demo", "--no-business-data", verbosity=0)
    county = Unit.objects.get(code="SFX")
    with open(DATA / "shifan_county_units.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            unit = Unit.objects.get(code=row["code"])
            assert unit.is_within(county)
            assert unit.aliases == [alias for alias in row["aliases"].split(";") if alias]


def test_the_demo_refuses_to_run_on_a_production_configuration(settings):
    settings.HTTPS = True
    with pytest.raises(CommandError) as error:
        call_command("seed_demo", "--no-business-data")
    assert "生产配置" in str(error.value)
    assert not User.objects.exists()


def test_the_demo_modules_are_found_and_run_after_what_they_build_on():
    from zhaoshang.core.demo import demo_modules

    order = list(demo_modules())
    assert order[0] == "accounts"
    for position, label in enumerate(order):
        assert all(order.index(after) < position for after in demo_modules()[label].DEMO_AFTER), label
    # The order the city was always built in (same data, same seeds).
    assert order == [
        "accounts",
        "projects",
        "relations",
        "funds",
        "fieldwork",
        "targets",
        "supervision",
        "scheduling",
        "alerts",
        "assessment",
        "notifications",
        "bulletins",
        "leads",
    ]


def test_the_demo_says_the_address_of_the_port_it_is_served_on():
    out = io.StringIO()
    call_command("seed_demo", "--no-business-data", "--port", "9123", stdout=out)
    assert "浏览器打开 http://127.0.0.1:9123 登录。" in out.getvalue()


def test_start_refuses_a_port_that_is_no_port_before_setting_anything_up():
    start = Path(__file__).resolve().parents[3] / "scripts" / "start"
    for bad in (["abc"], ["0"], ["70000"], []):
        run = subprocess.run(["bash", str(start), "--port", *bad], capture_output=True, text=True, timeout=30)
        assert run.returncode == 2 and "端口须为 1–65535 的数字" in run.stderr and run.stdout == ""
