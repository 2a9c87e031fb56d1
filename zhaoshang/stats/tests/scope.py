"""Statistics URLs for the generic scope check (zhaoshang/testing.py). None takes an object id:
the unit is a GET parameter restricted by the form to the viewer's units, and that scope
is tested in test_tables.py (officer A asking for town B's figures is refused)."""

SCOPE_CHECKS = []
ADMIN_ONLY_URLS = []
