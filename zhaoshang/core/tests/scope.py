"""Object URLs of the core app, for the generic scope check (core/testing.py)."""

SCOPE_CHECKS = []

# The audit log is the auditor's alone.
ADMIN_ONLY_URLS = ["core:audit_detail"]
