"""Base models every app builds on: restricted querysets, the audit log, versions."""

import datetime
import decimal
import functools
import itertools
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, router, transaction
from django.utils import timezone

from zhaoshang.core.access import AuditRule, OwnRows
from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.context import current_context


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = Action.VIEW):
        """Rows ``user`` may ``action``: the only way application code reads data."""
        rule = getattr(self.model, "access", None)
        if rule is None:
            raise ImproperlyConfigured(f"{self.model.__name__} declares no access rule")
        return rule.filter(self, user, action)

    def visible_ids(self, user, action: str, ids) -> set:
        """Which of ``ids`` ``user`` may ``action``: the same answer as
        ``restrict(user, action).filter(pk__in=ids)``, asked of the rule for those rows alone."""
        rule = getattr(self.model, "access", None)
        if rule is None:
            raise ImproperlyConfigured(f"{self.model.__name__} declares no access rule")
        return rule.visible_ids(self, ids, user, action)


class AuditedQuerySet(RestrictedQuerySet):
    """Bulk writes would bypass the audit log, so they go object by object."""

    def update(self, **kwargs):
        raise TypeError(
            f"{self.model.__name__}: QuerySet.update() would bypass the audit log; "
            "save each object (or use a service that writes the audit rows)."
        )

    def delete(self):
        count = 0
        with transaction.atomic():
            for obj in self:
                obj.delete()
                count += 1
        return count, {self.model._meta.label: count}


class AppendOnlyQuerySet(RestrictedQuerySet):
    """The audit log's queryset: no bulk update or delete from the application."""

    def update(self, **kwargs):
        raise TypeError("审计日志只能追加，不能修改。")

    def delete(self):
        raise TypeError("审计日志不能删除。")


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)
AuditedManager = models.Manager.from_queryset(AuditedQuerySet)


def json_safe(value):
    """A JSON-friendly form of a field value for the audit log (exact for money)."""
    if value is None or isinstance(value, (str, int, float)):  # most values: as they are
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    return str(value)


class AuditLog(models.Model):
    """One thing that happened: a change to an object, a login, an export, a reveal.

    Append-only: the model refuses updates and deletes, and database triggers (see the
    migration) refuse them too, so not even a raw SQL shell inside the app can rewrite
    history without leaving the database's own error.
    """

    time = models.DateTimeField("时间", default=timezone.now, db_index=True)
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    detail = models.CharField("说明", max_length=500, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    request_id = models.CharField("请求编号", max_length=32, blank=True, db_index=True)
    source = models.CharField("来源", max_length=20, blank=True)

    access = AuditRule()
    objects = models.Manager.from_queryset(AppendOnlyQuerySet)()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["username", "action", "time"]),
        ]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("审计日志不能删除。")

    @classmethod
    def record(
        cls,
        action: str,
        obj=None,
        *,
        changes: dict | None = None,
        detail: str = "",
        user=None,
        username: str | None = None,
        shown_as: str | None = None,
    ) -> "AuditLog":
        """Write one audit row, filling who/where from the request context. ``shown_as``
        replaces ``str(obj)`` where the object's own name must not be kept (an erasure)."""
        context = current_context()
        user_id = user.pk if user is not None else context.user_id
        if username is None:
            username = user.get_username() if user is not None else context.username
        return cls.objects.create(
            action=action,
            user_id=user_id,
            username=username or "",
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
            object_repr=(shown_as if shown_as is not None else str(obj) if obj is not None else "")[:200],
            changes=json_safe(changes or {}),
            detail=detail[:500],
            ip=context.ip,
            request_id=context.request_id,
            source=context.source,
        )


def _created_changes(obj, raw: dict | None = None) -> dict:
    """A new object's values for its CREATE row; empty fields say nothing and are left out.
    ``raw``: the object's ``_raw_values()``, when the caller has them already."""
    raw = obj._raw_values() if raw is None else raw
    return {name: [None, obj._shown(name, value)] for name, value in raw.items() if value not in (None, "", [], {})}


def record_created(objects, *, detail: str = "") -> None:
    """One CREATE audit row per object, written in bulk: for bulk inserts that bypass
    save(). Same content as AuditedModel.save() writes."""

    def rows():
        for obj in objects:
            raw = obj._raw_values()
            yield obj, _created_changes(obj, raw)
            # What a later save() of the object compares with: the values just logged.
            obj._audit_before = raw

    _write_audit_rows(AuditAction.CREATE, rows(), detail=detail)


def record_updated(changed, *, detail: str = "") -> None:
    """One UPDATE audit row per (object, changes) pair, written in bulk: for bulk updates
    that bypass save(). ``changes`` as ``audit_diff`` makes them, so the rows read as a
    save() of each object would have written them."""
    _write_audit_rows(AuditAction.UPDATE, changed, detail=detail)


def _write_audit_rows(action: str, pairs, *, detail: str = "") -> None:
    """Audit rows for (object, changes) pairs, with who and where from the request context.

    The rows go in with one prepared INSERT run over all of them (executemany): compiling
    a bulk_create of tens of thousands of log rows field by field took longer than
    writing them, and an import of 10,000 ledger rows writes about 40,000. PostgreSQL
    parses and plans each of those INSERTs anew (5 s for 40,000 rows), so there they go
    in with COPY instead (under 2 s)."""
    context = current_context()
    now = timezone.now()
    fields = {field.name: field for field in AuditLog._meta.concrete_fields if not field.primary_key}
    connection = connections[router.db_for_write(AuditLog)]

    def prepared(name, value):
        return fields[name].get_db_prep_save(value, connection)

    constant = {
        "time": prepared("time", now),
        "action": action,
        "user": context.user_id,
        "username": context.username or "",
        "detail": detail[:500],
        "ip": prepared("ip", context.ip),
        "request_id": context.request_id,
        "source": context.source,
    }
    names = list(fields)

    def rows():
        for obj, changes in pairs:
            row = {
                **constant,
                "object_type": obj._meta.label_lower,
                "object_id": str(obj.pk),
                "object_repr": str(obj)[:200],
                "changes": prepared("changes", changes),  # JSON-safe already (_shown, audit_diff)
            }
            yield [row[name] for name in names]

    # The rows are made and written a few thousand at a time: tens of thousands of them held
    # at once (with their changes) only made Python's garbage collector walk them again and
    # again. A batch is made before it is written: making a row may read the database
    # (``str()`` of an object that names a related one), which cannot happen mid-COPY.
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in names)
    placeholders = ", ".join(["%s"] * len(names))
    pending = rows()
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(pending, 5000)):
            if connection.vendor == "postgresql":
                with connection.wrap_database_errors, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model, values bound
                cursor.executemany(sql, batch)


@functools.cache
def _logged_fields(model) -> tuple:
    """The concrete fields of ``model`` the audit log follows (all but the ignored ones),
    worked out once per model: every logged object asks, tens of thousands in an import."""
    ignored = model.audit_ignored_fields
    return tuple(
        field for field in model._meta.concrete_fields if field.attname not in ignored and field.name not in ignored
    )


class AuditedModel(models.Model):
    """A model whose every create, update and delete is written to the audit log with
    the values before and after. Subclasses set ``access`` to their access rule."""

    # Fields whose values must never reach the log; a change shows as masked.
    audit_masked_fields: tuple[str, ...] = ()
    # Fields that change on their own and say nothing (e.g. last_login).
    audit_ignored_fields: tuple[str, ...] = ()
    # Labels for stored codes the field itself does not name: a JSON list of unit types, a
    # kind from a registry. Field name → (value, label) pairs, or a callable returning them.
    # Read by core.changes when a change is shown.
    audit_choices: dict = {}

    objects = AuditedManager()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Keep the loaded row as it came; the before-snapshot is built from it only when
        # the object is saved (most loaded objects are only shown: lists, dropdowns).
        instance.__dict__["_audit_loaded_row"] = (field_names, values)
        return instance

    @property
    def _audit_before(self) -> dict:
        """Audited field values as loaded (or as last saved): what a save compares with."""
        snapshot = self.__dict__.get("_audit_snapshot")
        if snapshot is None:
            row = self.__dict__.get("_audit_loaded_row")
            if row is None:
                raise AttributeError("_audit_before")  # never loaded nor saved: getattr() default applies
            loaded = dict(zip(*row, strict=True))
            snapshot = {
                field.name: loaded[field.attname] for field in self._audited_fields() if field.attname in loaded
            }
            self.__dict__["_audit_snapshot"] = snapshot
        return snapshot

    @_audit_before.setter
    def _audit_before(self, value: dict) -> None:
        self.__dict__["_audit_snapshot"] = value

    def _audited_fields(self):
        loaded = self.__dict__
        # A deferred field is unknown, not changed.
        return [field for field in _logged_fields(type(self)) if field.attname in loaded]

    def _raw_values(self) -> dict:
        return {field.name: getattr(self, field.attname) for field in self._audited_fields()}

    def _shown(self, name, value):
        if name in self.audit_masked_fields:
            return "******" if value else ""
        return json_safe(value)

    def audit_values(self) -> dict:
        """The object's audited fields as the log shows them (masked where private)."""
        return {name: self._shown(name, value) for name, value in self._raw_values().items()}

    def audit_diff(self, before: dict, after: dict) -> dict:
        """{field: [before, after]} for fields whose raw values differ."""
        changed = {}
        for name, value in after.items():
            if name not in before or before[name] != value:
                if name in self.audit_masked_fields:
                    changed[name] = ["******", "******（已修改）"]
                else:
                    changed[name] = [json_safe(before.get(name)), json_safe(value)]
        return changed

    def save(self, *args, **kwargs):
        adding = self._state.adding
        before = getattr(self, "_audit_before", None)
        with transaction.atomic(using=kwargs.get("using")):
            if not adding and before is None:
                stored = type(self)._base_manager.filter(pk=self.pk).first()
                before = stored._raw_values() if stored is not None else None
                adding = stored is None
            super().save(*args, **kwargs)
            after = self._raw_values()
            if adding:
                AuditLog.record(AuditAction.CREATE, self, changes=_created_changes(self))
            else:
                diff = self.audit_diff(before or {}, after)
                if diff:
                    AuditLog.record(AuditAction.UPDATE, self, changes=diff)
        self._audit_before = after

    def delete(self, *args, audit_detail: str = "", **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            removed = {name: [value, None] for name, value in self.audit_values().items()}
            AuditLog.record(AuditAction.DELETE, self, changes=removed, detail=audit_detail)
            return super().delete(*args, **kwargs)


class StaleEditError(Exception):
    """Someone else saved the record after this user opened it."""

    def __init__(self, current):
        self.current = current
        super().__init__("该记录已被他人修改，请刷新后再保存。")


class VersionedModel(models.Model):
    """Optimistic locking: an edit form carries the version it was opened at; saving
    with an older version is refused instead of silently overwriting the other edit."""

    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True

    def save_versioned(self, expected_version: int, **kwargs):
        """Save if the stored version is still ``expected_version``; else StaleEditError.

        The row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
        transaction already holds the write lock) so two saves cannot both pass the check.
        """
        with transaction.atomic():
            current = type(self)._base_manager.select_for_update().get(pk=self.pk)
            if current.version != expected_version:
                raise StaleEditError(current)
            self.version = expected_version + 1
            self.save(**kwargs)


def update_in_bulk(objects, fields_of) -> None:
    """Write the fields ``fields_of(obj)`` names (field names) of each stored object, with
    one prepared UPDATE per set of fields run over every object that has it (executemany).

    For bulk updates of rows the caller has already checked and locked: no save(), no
    signals, no audit row (see ``record_updated``). ``auto_now`` fields are brought up to
    date as save() would. Django's ``bulk_update`` builds one CASE per field and row, which
    for thousands of rows costs more to compile than to run."""
    groups: dict[tuple, list] = {}
    for obj in objects:
        groups.setdefault(tuple(sorted(fields_of(obj))), []).append(obj)
    if not groups:
        return
    model = type(objects[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    for names, group in groups.items():
        fields = [meta.get_field(name) for name in names]
        fields += [field for field in meta.concrete_fields if getattr(field, "auto_now", False) and field not in fields]
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        sql = f"UPDATE {table} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 - names from the model
        with connection.cursor() as cursor:
            for start in range(0, len(group), 2000):
                cursor.executemany(
                    sql,
                    [
                        [field.get_db_prep_save(field.pre_save(obj, False), connection) for field in fields] + [obj.pk]
                        for obj in group[start : start + 2000]
                    ],
                )


# The jobs layer keeps its model beside its helpers (core/jobs.py); imported here so that
# Django registers it with the core app.
from zhaoshang.core.jobs import Job  # noqa: E402, F401


class SecurityEvent(models.Model):
    """Refused access (等保: security events are logged), apart from the business audit trail.

    One row per user, path, answer and hour, counted: a script probing ids or a page
    reloaded a hundred times makes one row, not a hundred, and the table stays small
    enough for the auditor to read. Each refusal is also written in full to the
    ``zhaoshang.security`` logger. Not append-only: the count of the hour's row grows.
    """

    hour = models.DateTimeField("时段", db_index=True)  # the hour the refusals fell in
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    path = models.CharField("地址", max_length=500)
    status = models.PositiveSmallIntegerField("响应")
    # Why, where the answer alone does not say (a refused API token: 无效、已过期、已吊销 …).
    reason = models.CharField("原因", max_length=200, blank=True, default="")
    ip = models.GenericIPAddressField("IP 地址（最近一次）", null=True, blank=True)
    count = models.PositiveIntegerField("次数", default=1)
    first_at = models.DateTimeField("首次")
    last_at = models.DateTimeField("最近一次")

    access = AuditRule()
    objects = models.Manager.from_queryset(RestrictedQuerySet)()

    class Meta:
        verbose_name = "安全事件"
        verbose_name_plural = "安全事件"
        ordering = ["-last_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["username", "path", "status", "reason", "hour"], name="security_event_once_per_hour_reason"
            )
        ]

    def __str__(self):
        return f"{self.username or '未登录'} {self.status} {self.path}"


class CreateToken(models.Model):
    """A create form's one-time token, spent by the save that used it.

    The form carries a random token; saving inserts it here in the same transaction as
    the record it creates. The unique index makes a second POST with the same token (Back
    → 保存, a double click, two tabs) fail to insert it, and that POST is sent to the record
    the first one made instead of creating a copy. Two simultaneous POSTs: PostgreSQL makes
    the second insert wait for the first transaction and then fail; SQLite's IMMEDIATE
    transactions run them one after the other. A save refused for bad input rolls the token
    back with everything else, so the corrected form can still be saved.

    Not audited: it records nothing but which form made which record, which the audit
    log's CREATE row says already.
    """

    token = models.CharField("令牌", max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="+")
    url = models.CharField("已保存记录的地址", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "表单令牌"
        verbose_name_plural = "表单令牌"

    def __str__(self):
        return self.token


class ListColumns(models.Model):
    """The columns one user chose for one list (core.generic.ObjectListView's chooser).

    Kept in the database, not the session, so the choice follows the person to another
    browser and survives signing out. Names are checked against the list's column
    definition when read, so a column removed later simply drops out. Not audited: a
    preference of how a page looks is nobody else's business.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="+")
    list_key = models.CharField("列表", max_length=100)
    columns = models.JSONField("显示的列", default=list, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    access = OwnRows("user")
    objects = RestrictedManager()

    class Meta:
        verbose_name = "列表显示的列"
        verbose_name_plural = "列表显示的列"
        constraints = [models.UniqueConstraint(fields=["user", "list_key"], name="list_columns_once_per_list")]

    def __str__(self):
        return f"{self.user_id} {self.list_key}"
