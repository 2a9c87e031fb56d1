"""Access rules: the one place that decides which rows a user may read or change.

Every model names its rule in ``access``; its manager's ``restrict(user, action)`` asks
the rule for a filtered queryset. Pages, the API, exports, counts, dropdowns and file
downloads all go through it, so a permission is decided once and leaks nowhere.

Rules deny by default: an anonymous or inactive user gets nothing, and so does a role
the rule does not name.
"""

from django.db.models import QuerySet

from zhaoshang.core.choices import Action
from zhaoshang.core.roles import Role

READ_ACTIONS = {Action.VIEW, Action.EXPORT}


def _role(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


class AccessRule:
    """Base rule. Subclasses return ``queryset`` filtered for ``user`` and ``action``."""

    def filter(self, queryset: QuerySet, user, action: str) -> QuerySet:
        raise NotImplementedError

    def allows(self, user, action: str) -> bool:
        """Whether the user may do ``action`` on some rows of this kind at all (menus, buttons)."""
        raise NotImplementedError

    def visible_ids(self, queryset: QuerySet, ids, user, action: str) -> set:
        """Which of ``ids`` the user may ``action``: this rule's ``filter`` over those rows
        alone (``RestrictedQuerySet.visible_ids``). For a question about a few given rows
        asked for many viewers — which subscriptions may hear of this project (webhooks)."""
        ids = list(ids)
        if not ids:
            return set()
        return set(self.filter(queryset.filter(pk__in=ids), user, action).values_list("pk", flat=True))


class UnitScoped(AccessRule):
    """Business data owned by units (projects, funds, targets …).

    A leader reads everything; the bureau does everything; a unit officer reads and
    edits rows whose unit lies in their own unit's subtree and cannot verify; the system
    admin and the auditor see no business data at all (三权分立).

    ``unit_fields`` name the foreign keys (paths allowed, e.g. ``"project__unit"``) whose
    unit puts a row in an officer's scope; a row is in scope if any of them is.
    """

    officer_actions = {Action.VIEW, Action.EXPORT, Action.ADD, Action.CHANGE, Action.DELETE}

    def __init__(self, *unit_fields: str):
        if not unit_fields:
            raise ValueError("UnitScoped needs at least one unit field")
        self.unit_fields = unit_fields

    def allows(self, user, action: str) -> bool:
        role = _role(user)
        if role == Role.BUREAU:
            return True
        if role == Role.LEADER:
            return action in READ_ACTIONS
        if role == Role.OFFICER:
            return action in self.officer_actions and user.unit_id is not None
        return False

    def filter(self, queryset, user, action):
        if not self.allows(user, action):
            return queryset.none()
        if user.role in (Role.BUREAU, Role.LEADER):
            return queryset
        # The subtree as unit ids first (one indexed query on the small unit table, once per
        # request), so each condition below is an indexed IN on a foreign key rather than a
        # LIKE on a joined path that would scan every row.
        unit_ids = scope_unit_ids(user)
        # One indexed id query per unit field, combined with UNION: "a IN … OR b IN …"
        # made SQLite walk the list's sort index testing every row (150 ms at province
        # scale), where the union of three index lookups takes well under a millisecond.
        parts = [_ids_in_units(queryset.model, field, unit_ids).order_by() for field in self.unit_fields]
        in_scope = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
        return queryset.filter(pk__in=in_scope)

    def visible_ids(self, queryset, ids, user, action):
        """As ``filter``, for the given rows only: the same units and fields, but each
        condition joined to those rows. ``filter``'s union of every id in scope is right for
        a list; for one project it made SQLite collect a city's 20,000 ids first (0.4 s),
        where this asks the project's own unit fields (under 10 ms)."""
        ids = list(ids)
        if not ids or not self.allows(user, action):
            return set()
        rows = queryset.filter(pk__in=ids)
        if user.role in (Role.BUREAU, Role.LEADER):
            return set(rows.values_list("pk", flat=True))
        unit_ids = scope_unit_ids(user)
        found = set()
        for field in self.unit_fields:
            found.update(rows.filter(**{f"{field}__in": unit_ids}).values_list("pk", flat=True))
        return found


class PersonalRecords(UnitScoped):
    """Records about people (contacts, 乡贤) kept by a unit: as ``UnitScoped`` (the keeping
    unit's subtree, the bureau; leaders read), and those who may change a record may also
    reveal its personal information (``Action.REVEAL``), one field at a time, audited by the
    caller. Leaders read the record masked: a phone book is not what a leader's overview
    needs (最小必要)."""

    officer_actions = UnitScoped.officer_actions | {Action.REVEAL}


def scope_unit_ids(user) -> list[int]:
    """The ids of the units in the officer's subtree, read once per user object.

    ``request.user`` is made anew for every request, so keeping the list on it caches the
    subtree for exactly one request: a page that restricts ten querysets, or a bulk edit
    that checks ten projects, reads the unit table once. The list is keyed by the unit's
    path, so moving the officer's unit within the request reads it again; a long-lived user
    object (a job, a management command) should be fetched afresh per run.
    """
    # The unit model is whatever the user's ``unit`` field points to: core knows the unit
    # tree only through that field and the unit's ``path`` (docs/architecture.md, "Layers").
    Unit = user._meta.get_field("unit").related_model

    path = user.unit.path
    cached = getattr(user, "_scope_unit_ids", None)
    if cached is None or cached[0] != path:
        cached = (path, list(Unit._base_manager.filter(path__startswith=path).values_list("pk", flat=True)))
        user._scope_unit_ids = cached
    return cached[1]


def _ids_in_units(model, field_path: str, unit_ids: list[int]):
    """The ids of ``model`` rows whose ``field_path`` unit is one of ``unit_ids``, as a
    one-column subquery. A path through a one-to-many relation (a project's credit
    shares) selects the owning row's id from the related table."""
    parts = field_path.split("__")
    current = model
    for index, part in enumerate(parts):
        field = current._meta.get_field(part)
        if field.one_to_many or field.many_to_many:
            related = field.related_model
            rest = "__".join(parts[index + 1 :])
            owners = related._base_manager.filter(**{f"{rest}__in": unit_ids}).values(field.field.name)
            if index == 0:
                return owners
            prefix = "__".join(parts[:index])
            return model._base_manager.filter(**{f"{prefix}__pk__in": owners}).values("pk")
        current = field.related_model
    return model._base_manager.filter(**{f"{field_path}__in": unit_ids}).values("pk")


class OwnRows(AccessRule):
    """Rows that belong to one person (their notifications, their preferences, the columns
    they chose for a list): every signed-in user reads and changes their own and nobody
    else's, whatever the role — not even the bureau reads another person's inbox."""

    def __init__(self, user_field: str):
        self.user_field = user_field

    def allows(self, user, action):
        return _role(user) is not None

    def filter(self, queryset, user, action):
        if not self.allows(user, action):
            return queryset.none()
        return queryset.filter(**{self.user_field: user})


class OrganisationRule(AccessRule):
    """Units and users: the system admin manages them; leader and bureau read them all;
    an officer reads their own unit's subtree; the auditor reads none."""

    def __init__(self, unit_path_field: str):
        self.unit_path_field = unit_path_field

    def allows(self, user, action):
        role = _role(user)
        if role == Role.SYSADMIN:
            return True
        if role in (Role.LEADER, Role.BUREAU, Role.OFFICER):
            return action in READ_ACTIONS or (action == Action.ADDRESS and role != Role.LEADER)
        return False

    def filter(self, queryset, user, action):
        if not self.allows(user, action):
            return queryset.none()
        if action == Action.ADDRESS:
            return queryset  # the whole tree, to pick the other side of a handover
        if user.role == Role.OFFICER:
            if user.unit_id is None:
                return queryset.none()
            return queryset.filter(**{f"{self.unit_path_field}__startswith": user.unit.path})
        return queryset


class AccountRule(OrganisationRule):
    """Users: as units, except that no business role (leader, bureau, officer) sees the
    system admin's or the auditor's accounts, nor when they last signed in. Separation of
    duties (三权分立): who administers and who audits is none of the business's concern,
    and an account list is where an attacker inside would look first."""

    def allows(self, user, action):
        # Units are addressed by name across the tree; people are not.
        return action != Action.ADDRESS and super().allows(user, action)

    def filter(self, queryset, user, action):
        queryset = super().filter(queryset, user, action)
        if _role(user) in (Role.LEADER, Role.BUREAU, Role.OFFICER):
            queryset = queryset.exclude(role__in=[Role.SYSADMIN, Role.AUDITOR])
        return queryset


class ReferenceRule(AccessRule):
    """Dictionaries (divisions, industries, the holiday calendar): every signed-in user but
    the auditor reads them; the system admin and the bureau maintain them."""

    def allows(self, user, action):
        role = _role(user)
        if role is None or role == Role.AUDITOR:  # the auditor reads the audit log only
            return False
        if action in READ_ACTIONS:
            return True
        return role in (Role.SYSADMIN, Role.BUREAU)

    def filter(self, queryset, user, action):
        return queryset if self.allows(user, action) else queryset.none()


class AuditRule(AccessRule):
    """The audit log: the auditor reads and exports it; nobody changes it."""

    def allows(self, user, action):
        return _role(user) == Role.AUDITOR and action in READ_ACTIONS

    def filter(self, queryset, user, action):
        return queryset if self.allows(user, action) else queryset.none()


class SharedRegistry(AccessRule):
    """Registries shared by all business users (companies): everyone in the business
    roles reads them, so that one investor is one record across units and duplicates can
    be found; the bureau changes any row, an officer changes rows their unit's subtree
    created. Personal data inside them (contacts' phones) is revealed only to those who
    may change the row, and every reveal is logged by the caller."""

    def __init__(self, owner_unit_field: str):
        self.owner_unit_field = owner_unit_field

    def allows(self, user, action):
        role = _role(user)
        if role in (Role.BUREAU,):
            return True
        if role == Role.LEADER:
            return action in READ_ACTIONS
        if role == Role.OFFICER:
            return user.unit_id is not None and action != Action.VERIFY
        return False

    def filter(self, queryset, user, action):
        if not self.allows(user, action):
            return queryset.none()
        if user.role == Role.OFFICER and action not in READ_ACTIONS | {Action.ADD}:
            return queryset.filter(**{f"{self.owner_unit_field}__path__startswith": user.unit.path})
        return queryset
