import datetime

import pytest
from django.core.management import call_command

from zhaoshang.projects.tests.factories import project


@pytest.fixture
def city(personas):
    """The holiday calendar and key projects in both towns, plus projects a round leaves out.

    extra: a1, a2 (城关镇, key), b1 (河口镇, key), small (城关镇, not key), dropped (城关镇, key, 退库)."""
    call_command("load_reference", only="holidays", verbosity=0)
    extra = personas.extra
    extra["a1"] = project(personas.officer_a, personas.town_a, name="城关镇电容器项目", total="50000")
    extra["a2"] = project(personas.officer_a, personas.town_a, name="城关镇新能源项目", stage="signed", total="20000")
    extra["b1"] = project(personas.officer_b, personas.town_b, name="河口镇物流园项目", total="15000")
    extra["small"] = project(personas.officer_a, personas.town_a, name="城关镇小超市项目", total="500")
    extra["dropped"] = project(
        personas.officer_a,
        personas.town_a,
        name="城关镇退库项目",
        stage="dropped",
        total="30000",
        drop_reason="投资方撤回",
    )
    return personas


def open_october(personas, **kwargs):
    from zhaoshang.scheduling.services import open_round

    kwargs.setdefault("kind", "monthly")
    return open_round(personas.bureau, year=2026, month=10, **kwargs)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
