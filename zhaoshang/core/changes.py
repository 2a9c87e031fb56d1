"""Audit rows as people read them: labelled Chinese lines instead of raw before/after JSON.

The log stores what the code saw (field names, choice values, ids, ISO times in UTC) so
that it stays exact and comparable. Every page and export that shows a change goes
through ``describe_rows()`` here, so a field reads as its label (阶段, not ``stage``), a
choice as its label (签约, not ``signed``), a flag as 是/否, a related object as its name,
and a time as local time (2026年12月4日 10:31). Written once: the audit log page, its
Excel export, the project timeline and the tranche history all call it.
"""

import datetime
import decimal
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from zhaoshang.core.numbers import format_exact

EMPTY = "（空）"
MASK = "******"

# Keys some workflows write that are not fields of the object (a merge's moved rows, a
# reveal of personal data).
EXTRA_LABELS = {
    "merged": "合并",
    "events": "转移的阶段记录",
    "follow_ups": "转移的跟进记录",
    "attachments": "转移的附件",
    "moved": "转移的记录",
    "reason": "说明",
    "field": "查看的字段",
    "purpose": "查看目的",
    "request": "本人请求",
    "erased": "已删除个人信息",
}

# Where a row came from (AuditLog.source).
SOURCE_LABELS = {"web": "网页", "api": "接口", "command": "命令行", "system": "系统"}

# Bookkeeping fields: they change with every save and say nothing to a reader.
QUIET_FIELDS = frozenset({"version", "search_text"})


@dataclass(frozen=True)
class ChangeLine:
    """One changed field: its label and the values before and after, as shown."""

    label: str
    before: str
    after: str


def model_for(object_type: str):
    """The model named by an audit row's ``object_type`` (``app_label.model``), or None."""
    if not object_type or "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except LookupError:
        return None


def object_type_label(object_type: str) -> str:
    """``projects.project`` → 项目 (the model's verbose name)."""
    model = model_for(object_type)
    if model is None:
        return "" if not object_type else "其他"
    return str(model._meta.verbose_name)


def format_local_datetime(value: datetime.datetime) -> str:
    """A moment in the deployment's time zone, as a Chinese reader writes it."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"


def format_local_date(value: datetime.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_pair(value) -> bool:
    return isinstance(value, (list, tuple)) and len(value) == 2


class _Names:
    """Names of related objects, read once per model for a whole page of rows."""

    def __init__(self):
        self.wanted: dict = defaultdict(set)
        self.found: dict = {}

    def want(self, model, value):
        if value not in (None, "", MASK):
            self.wanted[model].add(value)

    def load(self):
        for model, ids in self.wanted.items():
            # A malformed id in an old row is left out (it then shows as 已删除).
            numeric = isinstance(model._meta.pk, models.IntegerField)
            clean = {str(value) for value in ids if not numeric or str(value).isdigit()}
            # The base manager: the rows are the log's own history, shown only to those who
            # may read the row (the auditor, or a user who sees the object changed).
            for obj in model._base_manager.filter(pk__in=clean):
                self.found[(model, str(obj.pk))] = str(obj)

    def name(self, model, value) -> str:
        if value in (None, ""):
            return EMPTY
        return self.found.get((model, str(value)), f"编号 {value}（已删除）")


def _related_model(field):
    if field is not None and field.is_relation and (field.many_to_one or field.one_to_one):
        return field.related_model
    return None


def _declared_labels(model, name: str) -> dict | None:
    """The labels a model declares for a field's stored codes (AuditedModel.audit_choices)."""
    declared = getattr(model, "audit_choices", {}).get(name) if model is not None else None
    if declared is None:
        return None
    pairs = declared() if callable(declared) else declared
    return {str(value): str(label) for value, label in pairs}


def _coded(value, labels: dict) -> str:
    """A code, a list of codes or a dict keyed by codes, in words."""
    if isinstance(value, list):
        return "、".join(labels.get(str(item), str(item)) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{labels.get(str(key), str(key))}：{_plain(item)}" for key, item in value.items())
    return labels.get(str(value), str(value))


def _show(field, value, names: _Names, labels: dict | None = None) -> str:
    """One stored value as a reader sees it, given the field it came from."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if value == MASK or (isinstance(value, str) and value.startswith(MASK)):
        return value
    if labels is not None:
        return _coded(value, labels)
    if field is None:
        return _plain(value)
    related = _related_model(field)
    if related is not None:
        return names.name(related, value)
    if getattr(field, "choices", None):
        return _coded(value, {str(key): str(label) for key, label in field.flatchoices})
    if isinstance(field, models.BooleanField):
        return "是" if value in (True, "True", "true", 1) else "否"
    if isinstance(field, (models.DateTimeField, models.DateField)) and isinstance(value, str):
        return _moment(field, value)
    if isinstance(field, models.DecimalField):
        return format_exact(value)
    base = getattr(field, "base_field", None)  # an ArrayField of choices
    if isinstance(value, list) and base is not None:
        return "、".join(_show(base, item, names) for item in value)
    return _plain(value)


def _moment(field, value: str) -> str:
    """An ISO date or time from the log in local Chinese form; anything else as stored."""
    try:
        if isinstance(field, models.DateTimeField):
            moment = parse_datetime(value)
            return format_local_datetime(moment) if moment else value
        day = parse_date(value[:10])
    except ValueError:  # well formed but impossible (2024-13-01): shown as it was stored
        return value
    return format_local_date(day) if day else value


def _plain(value) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (decimal.Decimal, float)):
        return format_exact(value)
    if isinstance(value, list):
        return "、".join(_plain(item) for item in value) or EMPTY
    if isinstance(value, dict):
        return "；".join(f"{key}：{_plain(item)}" for key, item in value.items()) or EMPTY
    return str(value)


def _label(model, name: str, field) -> str:
    if field is not None:
        return str(field.verbose_name)
    return EXTRA_LABELS.get(name, "其他")


def _lines(row, names: _Names, hide: frozenset) -> list[ChangeLine]:
    model = model_for(row.object_type)
    changes = row.changes if isinstance(row.changes, dict) else {}
    lines = []
    for name, pair in changes.items():
        if name in hide:
            continue
        field = _field(model, name)
        if name == "field" and field is None:  # a reveal names the field that was shown
            shown = _field(model, str(pair))
            lines.append(ChangeLine(EXTRA_LABELS["field"], "", str(shown.verbose_name) if shown else str(pair)))
            continue
        before, after = pair if _is_pair(pair) else (None, pair)
        labels = _declared_labels(model, name)
        shown = (_show(field, before, names, labels), _show(field, after, names, labels))
        lines.append(ChangeLine(_label(model, name, field), *shown))
    return lines


def _collect(row, names: _Names) -> None:
    model = model_for(row.object_type)
    if not isinstance(row.changes, dict):
        return
    for name, pair in row.changes.items():
        related = _related_model(_field(model, name))
        if related is None:
            continue
        for value in pair if _is_pair(pair) else [pair]:
            if not isinstance(value, (list, dict)):
                names.want(related, value)


def describe_rows(rows, *, hide=QUIET_FIELDS) -> list:
    """Attach to each audit row ``change_lines`` (list of ChangeLine), ``actor`` (the
    person's name, else the user name, else 系统) and ``type_label`` (the model's name), ``source_label``.
    Related names and people are read in one query per model for all the rows."""
    rows = list(rows)
    names = _Names()
    user_model = apps.get_model("accounts", "User")
    for row in rows:
        _collect(row, names)
        if row.user_id:
            names.want(user_model, row.user_id)
    names.load()
    hide = frozenset(hide)
    for row in rows:
        row.change_lines = _lines(row, names, hide)
        actor = names.found.get((user_model, str(row.user_id))) if row.user_id else None
        # acting_as(None) writes "system" as the user name: work the system did itself.
        row.actor = actor or (row.username if row.username not in ("", "system") else "系统")
        row.type_label = object_type_label(row.object_type)
        row.source_label = SOURCE_LABELS.get(row.source, row.source)
    return rows


def change_text(row) -> str:
    """A described row's changes on one line each, for a spreadsheet cell."""
    return "\n".join(f"{line.label}：{line.before} → {line.after}" for line in row.change_lines)
