"""Panels other apps put on the home pages, found through a registry.

The home pages belong to the dashboard app, but what they show comes from many apps: the
warnings of alerts, the problems of supervision, the bureau's waiting claims of review. An
app declares its panel once, in its AppConfig.ready()::

    register_home_panel(HomePanel("alerts.my_warnings", "alerts/_my_warnings.html", BUSINESS_ROLES))

and the home page includes every panel registered for the user's role at its place, in
``order``. Neither the home page nor core imports the app: a new app adds a panel without
touching them, and an app left out of INSTALLED_APPS takes its panel with it.
"""

from collections.abc import Callable
from dataclasses import dataclass

# Where a panel sits: above the page's own blocks, in the row of counting cards, or in the
# side column of the bureau's and officers' pages.
PLACES = ("top", "cards", "side")


@dataclass(frozen=True)
class HomePanel:
    key: str
    template: str
    roles: frozenset
    place: str = "top"
    order: int = 100
    # ``context(user)`` → the dict the template reads as ``panel``, or None to leave the
    # panel out for this user. No function: the template needs only the page's context.
    context: Callable[[object], dict | None] | None = None


_PANELS: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> HomePanel:
    if panel.place not in PLACES:
        raise ValueError(f"unknown home panel place {panel.place!r}; one of {PLACES}")
    _PANELS[panel.key] = panel  # registering again (a second ready()) replaces, never doubles
    return panel


def home_panels(user) -> dict[str, list[dict]]:
    """For each place, the panels the user's role sees: ``{"template", "context"}`` for
    ``{% include panel.template with panel=panel.context %}``."""
    placed: dict[str, list[dict]] = {place: [] for place in PLACES}
    for panel in sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key)):
        if user.role not in panel.roles:
            continue
        context = panel.context(user) if panel.context else {}
        if context is None:
            continue
        placed[panel.place].append({"template": panel.template, "context": context})
    return placed
