"""The demo city (``manage.py seed_demo``), put together from every app's demo module.

Core knows no app: it finds the modules by discovery. An installed app that has a
``demo`` module takes part; the module declares

* ``DEMO_AFTER``: the labels of the apps whose demo data it builds on (the warnings scan
  the projects, money and problems; the bulletins report on the money and targets), and
* ``build(city) -> int``: adds its part, idempotently (a second run adds nothing), and
  returns how many of its main objects it created.

The builders run in dependency order, ties broken by the order of INSTALLED_APPS, so the
city comes out the same each time. ``city`` carries what one builder leaves for the next:
the accounts app's builder, which has no ``DEMO_AFTER``, leaves the units, the demo
accounts, the bureau and the working units; the projects app's builder the demo projects.
"""

import importlib
from dataclasses import dataclass, field
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@dataclass
class DemoCity:
    reset_passwords: bool = False
    # What each app's builder returned (how many it created), by app label, in run order.
    counts: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name):
        # A builder asking for what no earlier builder left names a missing DEMO_AFTER.
        raise AttributeError(f"演示数据：{name} 尚未生成（检查各应用 demo 模块的 DEMO_AFTER）")


def demo_modules() -> dict[str, ModuleType]:
    """``{app label: its demo module}`` for every installed app that has one, in run order."""
    found = {}
    for config in apps.get_app_configs():
        if config.name != __package__ and module_has_submodule(config.module, "demo"):  # not this module
            found[config.label] = importlib.import_module(f"{config.name}.demo")
    ordered: dict[str, ModuleType] = {}
    while len(ordered) < len(found):
        ready = [
            label
            for label, module in found.items()
            if label not in ordered and all(after in ordered or after not in found for after in module.DEMO_AFTER)
        ]
        if not ready:
            raise RuntimeError(f"demo modules depend on each other in a circle: {sorted(set(found) - set(ordered))}")
        ordered[ready[0]] = found[ready[0]]
    return ordered


def build_city(*, only: tuple[str, ...] | None = None, reset_passwords: bool = False) -> DemoCity:
    """Run the demo builders (``only``: just these apps', e.g. ``("accounts",)`` for the
    units and accounts alone)."""
    city = DemoCity(reset_passwords=reset_passwords)
    for label, module in demo_modules().items():
        if only is None or label in only:
            city.counts[label] = module.build(city)
    return city
