"""Panels other apps put on a page they do not own, found through a registry.

The home pages belong to the dashboard app and a project's page to projects, but what
they show comes from other apps too: the warnings of alerts, the problems of supervision,
the bureau's waiting claims of review, a project's money of funds. An app declares its
panel once, in its AppConfig.ready()::

    register_panel("home", Panel("alerts.my_warnings", "alerts/_my_warnings.html", BUSINESS_ROLES))

and the page includes every panel registered for it and the user's role, place by place,
in ``order``::

    {% for panel in panels.top %}{% include panel.template with panel=panel.context %}{% endfor %}

Neither the page's app nor core imports the contributing app: a new app adds a panel
without touching them, and an app left out of INSTALLED_APPS takes its panel with it.

Pages and their places: ``home`` — ``top`` (above the page's own blocks), ``cards`` (the
row of counting cards), ``side`` (the side column of the bureau's and officers' pages);
``project`` — ``investment`` (lines of the 投资情况 card), ``main`` (cards under it);
``company`` — ``main`` (the investor's page: its projects, the projects it referred);
``contact``, ``intermediary`` — ``main`` (the projects they referred).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    roles: frozenset
    place: str = "top"
    order: int = 100
    # ``context(user, *objects)`` (the page's objects: the project on its page) → the dict
    # the template reads as ``panel``, or None to leave the panel out for this user. No
    # function: the template needs only the page's own context.
    context: Callable[..., dict | None] | None = None


_PANELS: dict[str, dict[str, Panel]] = defaultdict(dict)


def register_panel(page: str, panel: Panel) -> Panel:
    _PANELS[page][panel.key] = panel  # registering again (a second ready()) replaces, never doubles
    return panel


def panels_for(page: str, user, *objects) -> dict[str, list[dict]]:
    """For each place of ``page``, the panels the user's role sees, each as
    ``{"template", "context"}``; a place nobody fills reads as an empty list."""
    placed: dict[str, list[dict]] = defaultdict(list)
    for panel in sorted(_PANELS[page].values(), key=lambda panel: (panel.order, panel.key)):
        if getattr(user, "role", None) not in panel.roles:
            continue
        context = panel.context(user, *objects) if panel.context else {}
        if context is not None:
            placed[panel.place].append({"template": panel.template, "context": context})
    return placed
