"""Object URLs of the targets app, for the generic scope check (zhaoshang/testing.py)."""

from zhaoshang.testing import ScopeCheck

SCOPE_CHECKS = [
    # A unit's distribution page: town A's officer may not see town B's.
    ScopeCheck("targets:distribute", lambda p: {"pk": p.town_b.pk}),
]

# The targets import is the bureau's: no officer reaches a batch, for any town.
ADMIN_ONLY_URLS = [
    "targets:import_preview",
    "targets:import_commit",
    "targets:import_result",
    "targets:import_errors",
]
