"""Object URLs of the alerts app, for the generic scope check (zhaoshang/testing.py).

Warnings have no page of their own (the list links to the project); the rule edit page is
addressed by kind, not by id. The scan's status is the bureau's alone."""

SCOPE_CHECKS = []

# Bureau-only: the scan's progress (the 立即扫描 button polls it).
ADMIN_ONLY_URLS = ["alerts:scan_status"]
