"""Object URLs of the accounts app, for the generic scope check (zhaoshang/testing.py)."""

from zhaoshang.testing import ScopeCheck

SCOPE_CHECKS = [
    ScopeCheck("accounts:user_detail", lambda p: {"pk": p.officer_b.pk}),
    ScopeCheck("accounts:unit_detail", lambda p: {"pk": p.town_b.pk}),
]

# Only the system admin manages units and users.
ADMIN_ONLY_URLS = [
    "accounts:unit_edit",
    "accounts:user_edit",
    "accounts:user_reset_password",
    "accounts:user_toggle_active",
    "accounts:user_reset_mfa",
]
