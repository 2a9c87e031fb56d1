"""The roles a user holds. They live in core, the ground floor, because core's access
rules, navigation and jobs decide by role; ``accounts.choices`` re-exports them for the
apps that import them from there."""

from django.db import models


class Role(models.TextChoices):
    """One role per account. System admin and auditor are exclusive by construction
    (三权分立): a user holds exactly one role, so no account can be both."""

    LEADER = "leader", "领导"
    BUREAU = "bureau", "招商局"
    OFFICER = "officer", "单位填报员"
    SYSADMIN = "sysadmin", "系统管理员"
    AUDITOR = "auditor", "审计员"


# Roles that work with business data (projects, funds, targets …).
BUSINESS_ROLES = frozenset({Role.LEADER, Role.BUREAU, Role.OFFICER})
