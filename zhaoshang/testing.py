"""Test personas and the generic scope check, shared by every app's tests.

Personas (a small city with two towns in one county):

- ``officer_a`` — unit officer of 城关镇 (SFX-CG)
- ``officer_b`` — unit officer of 河口镇 (SFX-HK), the "other town"
- ``county_officer`` — unit officer of 示范县 itself (sees both towns)
- ``bureau`` — staff of the city's investment-promotion bureau
- ``leader`` — a city leader (reads everything)
- ``sysadmin`` — system admin (users and units, no business data)
- ``auditor`` — reads the audit log only

The scope check: each app lists, in ``<app>/tests/scope.py``, a ``SCOPE_CHECKS`` list of
``ScopeCheck`` entries — a URL that shows one object, and how to make an object that
belongs to town B. ``core/tests/test_scope.py`` then proves for every entry that
officer A gets 404 and officer B does not, and fails if any URL that takes an object id
is not listed. A new app gets the check by adding its entries; forgetting fails CI.
Shared registries' pages (read by every business user) are listed in ``SHARED_CHECKS``.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps

from zhaoshang.accounts.choices import Role, UnitType

DEMO_PASSWORD = "Zs@Test2026"  # noqa: S105 (test personas only)


@dataclass
class Personas:
    city: object
    city_level: object
    bureau_unit: object
    county: object
    town_a: object
    town_b: object
    officer_a: object
    officer_b: object
    county_officer: object
    bureau: object
    leader: object
    sysadmin: object
    auditor: object
    password: str = DEMO_PASSWORD
    extra: dict = field(default_factory=dict)

    def all_users(self):
        return [
            self.officer_a,
            self.officer_b,
            self.county_officer,
            self.bureau,
            self.leader,
            self.sysadmin,
            self.auditor,
        ]


def make_personas() -> Personas:
    from zhaoshang.accounts.models import Unit, User

    def unit(code, name, type_, parent=None, aliases=()):
        return Unit.objects.create(code=code, name=name, type=type_, parent=parent, aliases=list(aliases))

    city = unit("SFS", "示范市", UnitType.CITY)
    city_level = unit("SFS-SBJ", "市本级", UnitType.CITY_LEVEL, city)
    bureau_unit = unit("SFS-TCJ", "市投资促进局", UnitType.DEPARTMENT, city_level, ["市投促局"])
    county = unit("SFX", "示范县", UnitType.COUNTY, city)
    town_a = unit("SFX-CG", "城关镇", UnitType.TOWN, county, ["城关镇人民政府"])
    town_b = unit("SFX-HK", "河口镇", UnitType.TOWN, county, ["河口镇人民政府"])

    def user(username, role, unit_, name):
        account = User(username=username, role=role, unit=unit_, name=name)
        account.set_password(DEMO_PASSWORD)
        account.save()
        return account

    return Personas(
        city=city,
        city_level=city_level,
        bureau_unit=bureau_unit,
        county=county,
        town_a=town_a,
        town_b=town_b,
        officer_a=user("officer_a", Role.OFFICER, town_a, "城关镇填报员"),
        officer_b=user("officer_b", Role.OFFICER, town_b, "河口镇填报员"),
        county_officer=user("county_officer", Role.OFFICER, county, "县填报员"),
        bureau=user("bureau", Role.BUREAU, bureau_unit, "招商局干部"),
        leader=user("leader", Role.LEADER, city, "市领导"),
        sysadmin=user("sysadmin", Role.SYSADMIN, None, "系统管理员"),
        auditor=user("auditor", Role.AUDITOR, None, "审计员"),
    )


@pytest.fixture
def personas(db) -> Personas:
    return make_personas()


@pytest.fixture
def client_for(client):
    """``client_for(user)`` returns the test client signed in as ``user``."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@dataclass(frozen=True)
class ScopeCheck:
    """One URL that shows or serves a single object.

    ``make(personas)`` creates an object that belongs to town B and returns the URL's
    kwargs. ``method`` is the HTTP method to try (GET for pages, files, exports).
    """

    url_name: str
    make: Callable
    method: str = "get"
    # For a shared URL (``SHARED_CHECKS``): the personas who must get it, whichever unit
    # made the object; a page that adds (a contact at a shared company) is not the leader's.
    shared_with: tuple[str, ...] = ("officer_a", "leader", "bureau")


def _scope_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("zhaoshang."):
            continue
        try:
            yield importlib.import_module(f"{config.name}.tests.scope")
        except ModuleNotFoundError:
            continue


def collect_scope_checks() -> list[ScopeCheck]:
    checks: list[ScopeCheck] = []
    for module in _scope_modules():
        checks.extend(getattr(module, "SCOPE_CHECKS", []))
    return checks


def collect_shared_checks() -> list[ScopeCheck]:
    """Object URLs of shared registries (``SHARED_CHECKS``: a company's page): every
    business user reads them whichever unit made the object, so they cannot follow the
    town A / town B pattern; ``test_shared_urls_are_read_by_business_users_only`` proves the
    other town reads them and the system admin and the auditor get 404."""
    checks: list[ScopeCheck] = []
    for module in _scope_modules():
        checks.extend(getattr(module, "SHARED_CHECKS", []))
    return checks


def collect_admin_only_urls() -> set[str]:
    """Object URLs that no unit officer may use at all (user admin, the audit log …).

    They cannot follow the town A / town B pattern; each app tests them itself, and
    ``test_admin_only_urls_refuse_every_officer`` proves an officer gets 404 from them.
    """
    names: set[str] = set()
    for module in _scope_modules():
        names.update(getattr(module, "ADMIN_ONLY_URLS", []))
    return names
