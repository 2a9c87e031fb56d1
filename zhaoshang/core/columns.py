"""One column definition per model: the list's headers, its rows and its .xlsx export.

A list page declares its columns once::

    COLUMNS = Columns(
        Company,
        Column("name", link=True, required=True),
        Column("uscc", css="font-monospace small"),
        Column("home_division__name", label="来源地"),
        Column("created_at", default=False),
    )

Each column knows its Chinese label (the field's own ``verbose_name`` unless given), how
to read its value from a row (an ORM path, or a function), how to show it (escaped text,
or a function returning markup), how to write it in a spreadsheet (numbers as numbers,
percentages as percentages, dates as dates), whether and how it sorts, whether it is
shown until the user chooses otherwise, and what it needs joined (``select``) or loaded
(``fields``) so that a page of rows never reads the database row by row.

Rows are built as strings in Python, not in the template engine: resolving a template
variable per cell was most of the project list's time at province scale (see
projects/templatetags/project_list.py), and every generic list gets that speed.
"""

import datetime
import decimal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape  # Django's escape() is this plus a lazy-string wrapper, slow per cell
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.safestring import mark_safe

from zhaoshang.core.export import write_xlsx
from zhaoshang.core.numbers import format_exact, format_percent

NOTHING = "—"

# Kinds of value: how a cell is shown and written.
TEXT, NUMBER, PERCENT, DATE, DATETIME, BOOL = "text", "number", "percent", "date", "datetime", "bool"
XLSX_FORMATS = {PERCENT: "0.0%", DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm"}


def _kind_of(model_field) -> str:
    if model_field is None:
        return TEXT
    if getattr(model_field, "choices", None):
        return TEXT
    if isinstance(model_field, models.BooleanField):
        return BOOL
    if isinstance(model_field, models.DateTimeField):
        return DATETIME
    if isinstance(model_field, models.DateField):
        return DATE
    if isinstance(model_field, (models.DecimalField, models.IntegerField, models.FloatField)):
        return NUMBER if not model_field.primary_key else TEXT
    return TEXT


def shown_text(value, kind: str = TEXT) -> str:
    """A value as a reader sees it on screen (unescaped)."""
    if value is None or value == "" or value == []:
        return NOTHING
    if kind == PERCENT:
        return format_percent(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, float)):
        return format_exact(value)
    if isinstance(value, (list, tuple)):
        return "、".join(str(item) for item in value)
    return str(value)


def sheet_value(value, kind: str = TEXT):
    """A value as a spreadsheet cell holds it: numbers and dates typed, the rest text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the local wall-clock time, as on screen.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (datetime.date, int, decimal.Decimal)):
        return value
    if isinstance(value, float):
        return decimal.Decimal(str(value))
    if isinstance(value, (list, tuple)):
        return "、".join(str(item) for item in value)
    return str(value)


@dataclass
class Column:
    """One column. ``name`` is its key in links (?sort=, the chooser) and, unless ``value``
    is given, the ORM path it reads (``unit__name``: the row's unit's name).

    - ``label``: the header; by default the verbose name of the path's first field.
    - ``sheet_label``: the header in a spreadsheet, where no page says the unit
      (协议总投资（万元）); by default ``label``.
    - ``header``: the header cell's markup instead of the label (a select-all box),
      written in code, never from data.
    - ``value(obj)``: read the value yourself (then declare ``fields``/``select``).
    - ``html(obj)``: the cell's markup, escaped by you; by default the escaped text.
    - ``export(obj)``: the spreadsheet's value; by default the value, typed.
    - ``kind``: text / number / percent / date / datetime / bool (guessed from the field).
    - ``sort``: True (by the path), an ORM ordering expression, or False.
    - ``default``: shown until the user chooses; ``required``: always shown, not offered.
    - ``link``: the cell links to the row's page.
    - ``takes_context``: ``html(obj, context)`` also gets the page's cell context (the CSRF
      token for a button's form, today's date …; ``ObjectListView.cell_context``).
    """

    name: str
    label: str | None = None
    sheet_label: str | None = None
    header: str | None = None
    value: Callable[[Any], Any] | None = None
    html: Callable[[Any], str] | None = None
    export: Callable[[Any], Any] | None = None
    kind: str | None = None
    sort: bool | str | None = None
    default: bool = True
    required: bool = False
    link: bool = False
    select: tuple[str, ...] = ()
    fields: tuple[str, ...] | None = None
    css: str = ""
    width: int | None = None
    takes_context: bool = False
    # Written to the spreadsheet; by default every column that has a value to read (not a
    # cell of buttons).
    exported: bool | None = None
    # Filled by Columns from the model.
    _parts: list[str] = field(default_factory=list, repr=False)
    _display: bool = field(default=False, repr=False)
    _labels: dict = field(default_factory=dict, repr=False)
    _td: str = field(default="<td>", repr=False)

    def bind(self, model) -> None:
        path = self.name.split("__")
        model_field, current, related = None, model, []
        if self.value is None:
            for index, part in enumerate(path):
                try:
                    model_field = current._meta.get_field(part)
                except FieldDoesNotExist:
                    model_field = None  # a property or method of the model
                    break
                if model_field.is_relation and index < len(path) - 1:
                    related.append("__".join(path[: index + 1]))
                    current = model_field.related_model
            if model_field is not None and model_field.is_relation and model_field.many_to_one:
                related.append(self.name)  # the related object itself, shown by its name
            if self.fields is None:
                self.fields = (self.name,) if model_field is not None else ()
            self.select = tuple(dict.fromkeys((*self.select, *related)))
            self._parts = path
            self._display = bool(getattr(model_field, "choices", None))
            if self._display:
                # The labels read once: get_FOO_display() normalises the field's choices
                # on every call, a good part of a row's time.
                self._labels = {key: str(label) for key, label in model_field.flatchoices}
        if self.exported is None:
            self.exported = (
                self.value is not None or self.export is not None or model_field is not None or hasattr(model, path[0])
            )
        if self.label is None:
            first = _field_or_none(model, path[0])
            self.label = str(first.verbose_name) if first is not None else self.name
        if self.sheet_label is None:
            self.sheet_label = self.label
        if self.kind is None:
            self.kind = _kind_of(model_field) if self.value is None else TEXT
        if self.sort is None:
            self.sort = self.value is None and model_field is not None and not model_field.is_relation
        if self.sort is True:
            self.sort = self.name
        if self.fields is None:
            self.fields = ()
        if self.width is None:
            self.width = {NUMBER: 14, PERCENT: 10, DATE: 12, DATETIME: 17, BOOL: 6}.get(self.kind, 20)
        if self.kind in (NUMBER, PERCENT) and "text-end" not in self.css:
            self.css = f"{self.css} text-end".strip()
        self._td = f'<td class="{self.css}">' if self.css else "<td>"

    def read(self, obj):
        if self.value is not None:
            return self.value(obj)
        current = obj
        for part in self._parts[:-1]:
            current = getattr(current, part)
            if current is None:
                return None
        last = self._parts[-1]
        if self._display:
            value = getattr(current, last)
            return self._labels.get(value, value)
        value = getattr(current, last)
        return value() if callable(value) and not isinstance(value, models.Model) else value

    def cell_html(self, obj, url: str | None, context: dict | None = None) -> str:
        html = self.html
        if html is not None:
            inner = html(obj, context or {}) if self.takes_context else html(obj)
        else:
            inner = escape(shown_text(self.read(obj), self.kind))
        if self.link and url:
            inner = f'<a href="{url}">{inner}</a>'
        return f"{self._td}{inner}</td>"

    def sheet(self, obj):
        if self.export is not None:
            return sheet_value(self.export(obj), self.kind)
        value = self.read(obj)
        if self.kind == PERCENT and value is not None:
            return decimal.Decimal(value)
        return sheet_value(value, self.kind)


def _field_or_none(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


class Columns:
    """A model's columns, in the order shown.

    ``narrow``: load only the fields the chosen columns (and ``row_fields``, read by the
    row's link or its attributes) declare — for wide models listed at scale. Leave it off
    when a column reads something it does not declare: a deferred field is read row by row.
    ``row_attrs(obj)``: attributes of each <tr> (a class for an overdue row, a test id).
    """

    def __init__(
        self,
        model,
        *columns: Column,
        narrow: bool = False,
        row_fields: Iterable[str] = (),
        row_attrs: Callable[[Any], dict] | None = None,
        select: Iterable[str] = (),
    ):
        self.model = model
        self.columns = list(columns)
        for column in self.columns:
            column.bind(model)
        self.by_name = {column.name: column for column in self.columns}
        if len(self.by_name) != len(self.columns):
            raise ValueError(f"{model.__name__}: two columns with the same name")
        self.narrow = narrow
        self.row_fields = tuple(row_fields)
        self.row_attrs = row_attrs
        self.select = tuple(select)

    # --- which columns -------------------------------------------------------------

    @property
    def optional(self) -> list[Column]:
        """The columns a user may show or hide (the chooser's boxes)."""
        return [column for column in self.columns if not column.required]

    def defaults(self) -> list[str]:
        return [column.name for column in self.columns if column.default and not column.required]

    def clean(self, names: Iterable[str]) -> list[str]:
        """Chosen names that are columns a user may choose, once each, in the list's order."""
        wanted = set(names)
        return [column.name for column in self.optional if column.name in wanted]

    def chosen(self, names: Iterable[str] | None) -> list[Column]:
        """The columns shown for ``names`` (None: the defaults); required ones always."""
        wanted = set(self.defaults() if names is None else names)
        return [column for column in self.columns if column.required or column.name in wanted]

    # --- the query -------------------------------------------------------------------

    def prepare(self, queryset, chosen: list[Column]):
        """Join and load what ``chosen`` read, nothing more."""
        related = dict.fromkeys((*self.select, *(path for column in chosen for path in column.select)))
        if related:
            queryset = queryset.select_related(*related)
        if self.narrow:
            loaded = dict.fromkeys((*self.row_fields, *(name for column in chosen for name in column.fields)))
            queryset = queryset.only(*loaded) if loaded else queryset
        return queryset

    def ordering(self, sort: str | None) -> tuple[list[str] | None, str]:
        """ORDER BY for ``?sort=name`` or ``?sort=-name``, if that column sorts; else (None, "")."""
        sort = (sort or "").strip()
        descending = sort.startswith("-")
        column = self.by_name.get(sort.lstrip("-"))
        if column is None or not column.sort:
            return None, ""
        expression = column.sort
        if descending:
            expression = expression[1:] if expression.startswith("-") else f"-{expression}"
        return [expression, "-pk" if descending else "pk"], sort

    # --- the page and the sheet ------------------------------------------------------------

    def header_html(self, chosen: list[Column], sort: str, querystring: str) -> str:
        """<th> cells; a sortable header links to its sort (again: the other direction)."""
        base = f"?{querystring}&" if querystring else "?"
        cells = []
        for column in chosen:
            if column.header is not None:
                cells.append(
                    f'<th class="{column.css}">{column.header}</th>' if column.css else f"<th>{column.header}</th>"
                )
                continue
            label = escape(column.label)
            css = f' class="{column.css}"' if "text-end" in column.css else ""
            if column.sort:
                target = f"-{column.name}" if sort == column.name else column.name
                arrow = " ↑" if sort == column.name else " ↓" if sort == f"-{column.name}" else ""
                label = f'<a href="{base}sort={escape(target)}">{label}{arrow}</a>'
            cells.append(f"<th{css}>{label}</th>")
        return mark_safe("".join(cells))  # noqa: S308 - every piece escaped above; header= is code

    def rows_html(
        self, objects, chosen: list[Column], url_of: Callable[[Any], str] | None = None, context: dict | None = None
    ) -> str:
        rows = []
        context = context or {}
        if not any(column.link for column in chosen):
            url_of = None  # no cell links to the row: no URL per row
        for obj in objects:
            url = url_of(obj) if url_of is not None else None
            cells = "".join([column.cell_html(obj, url, context) for column in chosen])
            attrs = ""
            if self.row_attrs is not None:
                attrs = "".join(f' {name}="{escape(str(value))}"' for name, value in self.row_attrs(obj).items())
            rows.append(f"<tr{attrs}>{cells}</tr>")
        return mark_safe("".join(rows))  # noqa: S308 - cells escape their text; html= hooks escape their own

    def xlsx(self, title: str, objects, chosen: list[Column]) -> bytes:
        """The rows in a workbook with exactly ``chosen`` columns (those with values), typed cells."""
        chosen = [column for column in chosen if column.exported]
        return write_xlsx(
            title,
            [(column.sheet_label, column.width) for column in chosen],
            ([column.sheet(obj) for column in chosen] for obj in objects),
            formats=[XLSX_FORMATS.get(column.kind) for column in chosen],
        )


def edit_delete_links(edit_url: str, delete_url: str) -> Callable[[Any], str]:
    """An 操作 cell for a list without detail pages (a dictionary the bureau keeps): links to
    the generic edit and delete pages of the row."""
    from django.urls import reverse

    def links(obj) -> str:
        edit, delete = reverse(edit_url, args=[obj.pk]), reverse(delete_url, args=[obj.pk])
        return (
            f'<a class="btn btn-sm btn-ghost-primary" href="{edit}">编辑</a>'
            f'<a class="btn btn-sm btn-ghost-danger" href="{delete}">删除</a>'
        )

    return links
