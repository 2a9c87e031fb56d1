"""Generic object pages: list, detail, create/edit, delete. A new model's pages are a few
declarative lines (docs/adding-a-model.md); a page with a peculiarity overrides one hook.

Every read goes through ``Model.objects.restrict(request.user, action)`` with the action
of the page (a list and a detail: VIEW, an export: EXPORT, an edit: CHANGE or ADD, a
delete: DELETE), so the model's access rule decides everything, and a user the rule does
not allow gets 404, never a hint of what exists. Writes:

- an edit carries the ``VersionedModel`` version it was opened at; a stale save is refused
  and the other person's values are shown (``StaleEditError``);
- inside the save's transaction the row is locked and checked again against
  ``restrict(user, CHANGE)``: an object moved out of the officer's scope between opening
  the form and saving it is refused with 404 and nothing is saved;
- a create form with ``core.once.OneTimeTokenFormMixin`` saves once (Back → 保存, a double
  click open the saved record);
- a delete asks on a page of its own (GET never deletes), is audited by the model, and a
  row still referred to (PROTECT) is refused in words.
"""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.http import Http404, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from zhaoshang.core.choices import Action, AuditAction
from zhaoshang.core.columns import Columns, shown_text
from zhaoshang.core.export import xlsx_response
from zhaoshang.core.models import AuditLog, ListColumns, StaleEditError, VersionedModel
from zhaoshang.core.once import back_to_saved, create_once, posted_token, saved_response
from zhaoshang.core.views import paginate, querystring_without_page

URL_ID = "987654321"  # reversed once per page, then replaced per row: reverse() per row is slow


def _lock(model, pk) -> None:
    """Lock the row until the transaction ends (SELECT … FOR UPDATE on PostgreSQL; SQLite's
    IMMEDIATE transaction holds the write lock already), so no one moves it meanwhile."""
    list(model._base_manager.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def apply_errors(form, error: ValidationError | PermissionDenied, fields: dict[str, str] | None = None) -> None:
    """A service's refusal shown on the form: field messages at their fields, the rest on top.
    ``fields`` maps a model field the service names to the form field that edits it (the
    project form types the investor's name into ``investor_name``)."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or "您没有权限进行此操作。")
    elif hasattr(error, "error_dict"):
        for name, texts in error.message_dict.items():
            name = (fields or {}).get(name, name)
            for text in texts:
                form.add_error(name if name in form.fields else None, text)
    else:
        for text in error.messages:
            form.add_error(None, text)


class ObjectView(LoginRequiredMixin, View):
    """What every generic page shares: the model, the action, the restricted queryset."""

    model = None
    action = Action.VIEW
    select_related: tuple[str, ...] = ()
    template_name: str | None = None
    # URL names: the list, the detail (takes pk), the edit (pk), the delete (pk), the create.
    list_url: str | None = None
    detail_url: str | None = None
    edit_url: str | None = None
    delete_url: str | None = None
    create_url: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} names no model")
        if not self.model.access.allows(request.user, self.action):
            raise Http404  # 404, not 403: who may not must not learn what exists
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self, action: str | None = None):
        """Rows the user may ``action``; subclasses narrow it (``merged_into__isnull=True``)."""
        queryset = self.model.objects.restrict(self.request.user, action or self.action)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def get_object(self, action: str | None = None):
        pk = str(self.kwargs.get("pk", ""))
        if not pk.isdigit() or len(pk) > 18:  # a posted or typed id that is no id: no such row
            raise Http404
        return get_object_or_404(self.get_queryset(action), pk=pk)

    def can(self, action: str, obj=None) -> bool:
        """Whether the user may ``action`` rows of this kind, or this row (buttons, links)."""
        if not self.model.access.allows(self.request.user, action):
            return False
        return obj is None or self.model.objects.restrict(self.request.user, action).filter(pk=obj.pk).exists()

    def url(self, name: str | None, obj=None) -> str | None:
        if name is None:
            return None
        return reverse(name, kwargs={"pk": obj.pk}) if obj is not None else reverse(name)

    def base_context(self, obj=None) -> dict:
        meta = self.model._meta
        return {
            "model_name": str(meta.verbose_name),
            "model_name_plural": str(meta.verbose_name_plural),
            "list_href": self.url(self.list_url),
            "detail_href": self.url(self.detail_url, obj) if obj is not None and obj.pk else None,
        }


# --- List ---------------------------------------------------------------------------------------------


class ObjectListView(ObjectView):
    """A filtered, sorted, paged list with a column chooser and an .xlsx export of exactly
    the chosen columns over every filtered row. htmx requests (a filter changed) get the
    table alone.

    Declare ``model``, ``columns`` (a ``core.columns.Columns``), ``filterset_class`` and
    ``ordering``; the rest has defaults. Hooks: ``filter_queryset`` (narrow the base rows),
    ``decorate(rows)`` (attach what a page of rows shows beyond their fields, in a few
    queries), ``get_extra_context``.
    """

    columns: Columns = None
    filterset_class = None
    ordering: tuple[str, ...] = ("-pk",)
    per_page = 50
    count_cap: int | None = None
    template_name = "core/generic/list.html"
    table_template = "core/generic/_table.html"
    table_id = "object-table"  # what the filter bar's htmx replaces
    title: str | None = None
    subtitle = ""
    empty_title = "没有符合条件的记录"
    empty_hint = "换个筛选条件试试。"
    add_label = "新增"
    # The kind of a registered import (imports.spec) that loads rows of this list from a
    # spreadsheet: its upload page is offered beside 新增 to whoever may add. A URL name,
    # not an import of the imports app (which is above core).
    import_kind: str | None = None
    import_label = "从 Excel 导入"
    exportable = True
    export_title: str | None = None
    list_key: str | None = None  # where the user's choice of columns is kept; default: the URL name

    # --- the rows

    def filter_queryset(self, queryset):
        return queryset

    def filterset_kwargs(self) -> dict:
        return {"request": self.request}

    def get_filterset(self, queryset):
        if self.filterset_class is None:
            return None
        return self.filterset_class(self.request.GET or None, queryset=queryset, **self.filterset_kwargs())

    def filtered(self, action: str):
        """(filterset, rows filtered and sorted, the active sort)."""
        base = self.filter_queryset(self.get_queryset(action))
        filterset = self.get_filterset(base)
        rows = filterset.qs if filterset is not None else base
        order, sort = self.columns.ordering(self.request.GET.get("sort"))
        return filterset, rows.order_by(*(order or self.ordering)), sort

    def get_count_cap(self) -> int | None:
        """Count at most this many rows (a free-text search need not read the whole table)."""
        return self.count_cap

    def decorate(self, rows: list) -> None:
        """Attach to a page of rows (or an export's) what they show beyond their fields."""

    # --- the columns

    def get_list_key(self) -> str:
        if self.list_key:
            return self.list_key
        match = self.request.resolver_match
        return match.view_name if match is not None else self.model._meta.label_lower

    def chosen_columns(self) -> list:
        """The columns shown (and exported); a page may drop one this user cannot use."""
        return self.columns.chosen(self.chosen_names())

    def chosen_names(self) -> list[str] | None:
        mine = ListColumns.objects.restrict(self.request.user).filter(list_key=self.get_list_key())
        stored = mine.values_list("columns", flat=True).first()
        return None if stored is None else self.columns.clean(stored)

    def post(self, request, *args, **kwargs):
        """The column chooser: keep the ticked columns (valid names only) for this user and list."""
        names = self.columns.clean(request.POST.getlist("columns"))
        if request.POST.get("reset"):
            ListColumns.objects.restrict(request.user, Action.DELETE).filter(list_key=self.get_list_key()).delete()
        else:
            ListColumns.objects.update_or_create(
                user=request.user, list_key=self.get_list_key(), defaults={"columns": names}
            )
        # Back to the list as it was filtered; the query is re-encoded, so nothing posted can
        # add a header or leave this page.
        query = QueryDict(request.POST.get("query", "")).urlencode()
        return redirect(f"{request.path}?{query}" if query else request.path)

    # --- the page

    def row_url(self):
        """A function giving a row's page, reversed once (the id replaced per row)."""
        if self.detail_url is None:
            return None
        pattern = reverse(self.detail_url, kwargs={"pk": URL_ID})
        return lambda obj: pattern.replace(URL_ID, str(obj.pk))

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.exportable:
            return self.export()
        filterset, rows, sort = self.filtered(Action.VIEW)
        chosen = self.chosen_columns()
        page = paginate(request, self.columns.prepare(rows, chosen), self.per_page, count_cap=self.get_count_cap())
        shown = list(page.object_list)
        self.decorate(shown)
        qs = querystring_without_page(request)
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("sort", None)
        context = {
            **self.base_context(),
            "view": self,
            "title": self.title or str(self.model._meta.verbose_name_plural),
            "subtitle": self.subtitle,
            "filterset": filterset,
            "filter_errors": filter_errors(filterset),
            "page": page,
            "rows": shown,
            "qs": qs,
            "sort": sort,
            "chosen": chosen,
            "chosen_names": {column.name for column in chosen},
            "optional_columns": self.columns.optional,
            "header": self.columns.header_html(chosen, sort, params.urlencode()),
            "body": self.columns.rows_html(shown, chosen, self.row_url(), self.cell_context()),
            "column_count": len(chosen),
            "empty_title": self.empty_title,
            "empty_hint": self.empty_hint,
            "table_template": self.table_template,
            "table_id": self.table_id,
            "can_add": self.create_url is not None and self.can(Action.ADD),
            "add_href": self.url(self.create_url),
            "add_label": self.add_label,
            "import_href": reverse("imports:upload", args=[self.import_kind]) if self.import_kind else None,
            "import_label": self.import_label,
            "can_export": self.exportable and self.can(Action.EXPORT),
            **self.get_extra_context(),
        }
        template = self.table_template if request.htmx else self.template_name
        return render(request, template, context)

    def get_extra_context(self) -> dict:
        return {}

    def cell_context(self) -> dict:
        """What cells with ``takes_context`` get: the CSRF token (a button's form in a row)."""
        return {"csrf_token": get_token(self.request), "today": timezone.localdate()}

    # --- the export

    def export(self):
        """Every filtered row the user may export, in the columns chosen on screen; audited."""
        if not self.can(Action.EXPORT):
            raise Http404
        filterset, rows, _ = self.filtered(Action.EXPORT)
        chosen = self.chosen_columns()
        rows = self.columns.prepare(rows, chosen)
        title = self.export_title or self.title or str(self.model._meta.verbose_name_plural)
        count = 0

        def objects():
            nonlocal count
            batch = []
            for obj in rows.iterator(chunk_size=2000):
                batch.append(obj)
                if len(batch) == 2000:
                    yield from self._decorated(batch)
                    count += len(batch)
                    batch = []
            yield from self._decorated(batch)
            count += len(batch)

        data = self.columns.xlsx(title, objects(), chosen)
        described = filterset.describe() if hasattr(filterset, "describe") else _describe(filterset)
        AuditLog.record(AuditAction.EXPORT, None, detail=f"导出{title} {count} 条（筛选：{described}）")
        return xlsx_response(data, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")

    def _decorated(self, batch):
        self.decorate(batch)
        return batch


def filter_errors(filterset) -> list[str]:
    """「阶段：…」 lines for filter values not understood (a hand-edited or outdated link)."""
    if filterset is None or not filterset.form.is_bound or filterset.form.is_valid():
        return []
    form = filterset.form
    return [
        f"{form.fields[name].label}：{message}" if name in form.fields else message
        for name, errors in form.errors.items()
        for message in errors
    ]


def _describe(filterset) -> str:
    if filterset is None or not filterset.form.is_bound or not filterset.form.is_valid():
        return "无筛选"
    parts = [
        f"{filterset.form.fields[key].label}={value}"
        for key, value in filterset.form.cleaned_data.items()
        if value not in (None, "", [])
    ]
    return "，".join(parts) or "无筛选"


# --- Detail -------------------------------------------------------------------------------------------


class ObjectDetailView(ObjectView):
    """One object's page. ``template_name`` shows it; ``get_extra_context(obj)`` adds what
    else the page lists. The context has the object as ``object`` (and under
    ``context_object_name``), ``can_change`` and ``can_delete``."""

    template_name = "core/generic/detail.html"
    context_object_name: str | None = None
    # (label, ORM path or function) shown by the generic template, in order.
    fields: tuple = ()

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        context = {
            **self.base_context(obj),
            "view": self,
            "object": obj,
            "can_change": self.edit_url is not None and self.can(Action.CHANGE, obj),
            "can_delete": self.delete_url is not None and self.can(Action.DELETE, obj),
            "edit_href": self.url(self.edit_url, obj),
            "delete_href": self.url(self.delete_url, obj),
            "field_rows": self.field_rows(obj),
        }
        if self.context_object_name:
            context[self.context_object_name] = obj
        context.update(self.get_extra_context(obj))
        return render(request, self.template_name, context)

    def field_rows(self, obj) -> list[tuple[str, str]]:
        rows = []
        for entry in self.fields:
            label, read = entry if isinstance(entry, tuple) else (None, entry)
            value = read(obj) if callable(read) else _read_path(obj, read)
            if label is None:
                label = str(obj._meta.get_field(read.split("__")[0]).verbose_name)
            rows.append((label, shown_text(value)))
        return rows

    def get_extra_context(self, obj) -> dict:
        return {}


def _read_path(obj, path: str):
    parts = path.split("__")
    for part in parts[:-1]:
        obj = getattr(obj, part)
        if obj is None:
            return None
    display = getattr(obj, f"get_{parts[-1]}_display", None)
    return display() if display is not None else getattr(obj, parts[-1])


# --- Create and edit -------------------------------------------------------------------------------------


class ObjectEditView(ObjectView):
    """Create (no ``pk`` in the URL) or edit (``pk``) one object through ``form_class``.

    The form of a ``VersionedModel`` carries a hidden ``version`` (added here when the form
    has none). Hooks: ``get_form_kwargs``, ``new_object()`` (the unsaved object a create
    starts from), ``save(form, obj, expected_version)`` (write through the app's service;
    it raises ValidationError / PermissionDenied / StaleEditError), ``success_message``,
    ``success_url``.
    """

    form_class = None
    template_name = "core/generic/form.html"
    context_object_name: str | None = None
    title_create: str | None = None
    title_edit: str | None = None
    stale_message = "该记录已被他人修改，您的修改未保存。请对照下方他人保存的内容重新编辑。"

    @property
    def creating(self) -> bool:
        """Whether the page makes a new object; a create under a parent (a company's new
        contact, whose URL carries the company's pk) sets ``creating = True``."""
        return "pk" not in self.kwargs

    def dispatch(self, request, *args, **kwargs):
        self.kwargs = kwargs
        self.action = Action.ADD if self.creating else Action.CHANGE
        return super().dispatch(request, *args, **kwargs)

    def new_object(self):
        return self.model()

    def get_form_kwargs(self, obj) -> dict:
        return {"instance": obj}

    def get_form_class(self):
        """The form; a page whose create asks more than its edit returns another."""
        return self.form_class

    def get_form(self, obj, data=None, files=None):
        form = self.get_form_class()(data, files, **self.get_form_kwargs(obj))
        if isinstance(obj, VersionedModel) and "version" not in form.fields:
            from django import forms

            form.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        if isinstance(obj, VersionedModel) and obj.pk and not form.is_bound:
            form.initial["version"] = obj.version
        return form

    def get(self, request, *args, **kwargs):
        obj = self.new_object() if self.creating else self.get_object()
        return self.render_form(self.get_form(obj), obj)

    def post(self, request, *args, **kwargs):
        creating = self.creating
        obj = self.new_object() if creating else self.get_object()
        token = posted_token(request) if creating else ""
        if creating and (response := back_to_saved(request, token)):  # Back → 保存, a double click
            return response
        form = self.get_form(obj, request.POST, request.FILES)
        stale = None
        if form.is_valid() and self.form_ready(form, obj):
            try:
                if creating:
                    once = create_once(request.user, token, lambda: self.create(form, obj), self.success_url)
                    return self.created_response(once)
                saved = self.save_in_scope(form, obj)
            except StaleEditError as error:
                stale = error.current
                form.add_error(None, self.stale_message)
            except (ValidationError, PermissionDenied) as error:
                apply_errors(form, error)
            else:
                messages.success(request, self.success_message(saved))
                return redirect(self.success_url(saved))
        return self.render_form(form, obj, stale=stale)

    def created_response(self, once):
        """The answer to a create: by default the new object's page (or, when another POST
        of this form made it, that one). A page that must show something once — a secret
        only this answer may carry — renders it here instead."""
        return saved_response(self.request, once, self.success_message)

    def form_ready(self, form, obj) -> bool:
        """A last look before saving (a duplicate to confirm); False shows the form again."""
        return True

    def create(self, form, obj):
        """Save a new object, then check, in the same transaction, that the user can see
        it: a form that names a unit cannot make a row in another town (PermissionDenied
        rolls it back)."""
        created = self.save(form, obj, None)
        if not self.model.objects.restrict(self.request.user, Action.VIEW).filter(pk=created.pk).exists():
            raise PermissionDenied(f"新增的{self.model._meta.verbose_name}不在您的管理范围内，未保存。")
        return created

    def save_in_scope(self, form, obj):
        """Save inside one transaction that first locks the row and checks that the user
        may still change it: moved out of scope since the form was opened → 404, nothing saved."""
        expected = None
        if isinstance(obj, VersionedModel):
            expected = int(form.cleaned_data.get("version") or 0)
        with transaction.atomic(using=router.db_for_write(self.model)):
            _lock(self.model, obj.pk)
            if not self.model.objects.restrict(self.request.user, Action.CHANGE).filter(pk=obj.pk).exists():
                raise Http404
            return self.save(form, obj, expected)

    def save(self, form, obj, expected_version: int | None):
        """Write the object; by default the form's instance, versioned when the model is.
        Apps with a service override this to call it."""
        edited = form.save(commit=False)
        if expected_version is not None:
            edited.save_versioned(expected_version)
        else:
            edited.save()
        form.save_m2m()
        return edited

    def success_message(self, obj) -> str:
        return f"已保存{self.model._meta.verbose_name}「{obj}」。"

    def success_url(self, obj) -> str:
        return self.url(self.detail_url or self.list_url, obj if self.detail_url else None)

    def render_form(self, form, obj, stale=None, **extra):
        meta = self.model._meta
        creating = obj.pk is None
        title = (self.title_create or f"新增{meta.verbose_name}") if creating else (self.title_edit or f"编辑「{obj}」")
        context = {
            **self.base_context(obj),
            "view": self,
            "form": form,
            "object": obj,
            "creating": creating,
            "title": title,
            "stale": stale,
            "stale_lines": stale_lines(form, stale) if stale is not None else [],
            "cancel_href": self.url(self.detail_url, obj) if obj.pk and self.detail_url else self.url(self.list_url),
            **self.get_extra_context(form, obj),
            **extra,
        }
        if self.context_object_name:
            context[self.context_object_name] = obj if obj.pk else None
        return render(self.request, self.template_name, context)

    def get_extra_context(self, form, obj) -> dict:
        return {}


def stale_lines(form, current) -> list[tuple[str, str, str]]:
    """(label, what the other person saved, what this user entered) for each field of the
    form where they differ: what a stale form shows, so nothing is re-typed blind. Both
    sides are shown alike (choice labels, 是/否, exact numbers, ISO dates)."""
    lines = []
    for name, field in form.fields.items():
        if name in ("version", "token") or field.widget.is_hidden or not hasattr(current, name):
            continue
        raw = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        try:
            entered = field.clean(raw)
        except ValidationError:
            entered = raw
        stored, typed = _field_text(field, getattr(current, name)), _field_text(field, entered)
        if stored != typed:
            lines.append((str(field.label), stored, typed))
    return lines


def _field_text(field, value) -> str:
    choices = getattr(field, "choices", None)
    if choices is not None and not hasattr(value, "pk"):
        labels = {str(key): str(label) for key, label in choices if not isinstance(label, (list, tuple))}
        if isinstance(value, (list, tuple)):
            return "、".join(labels.get(str(item), str(item)) for item in value) or shown_text(None)
        if value not in (None, ""):
            return labels.get(str(value), str(value))
    return shown_text(value)


# --- Delete ----------------------------------------------------------------------------------------------


class ObjectDeleteView(ObjectView):
    """A page that says what will be removed and asks; POST removes it (audited by the
    model's delete). A row other records still refer to is refused in words."""

    action = Action.DELETE
    template_name = "core/generic/confirm_delete.html"
    context_object_name: str | None = None

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render_confirm(obj)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                _lock(self.model, obj.pk)
                if not self.model.objects.restrict(request.user, Action.DELETE).filter(pk=obj.pk).exists():
                    raise Http404
                self.delete(obj)
        except (ProtectedError, RestrictedError) as error:
            return self.render_confirm(obj, refused=protected_message(obj, error))
        except (ValidationError, PermissionDenied) as error:
            text = str(error) if isinstance(error, PermissionDenied) else "；".join(error.messages)
            return self.render_confirm(obj, refused=text)
        messages.success(request, self.success_message(obj))
        return redirect(self.success_url(obj))

    def delete(self, obj) -> None:
        """Remove the object; apps with a service override this to call it. An AuditedModel
        writes its DELETE row itself; any other model is recorded here."""
        if hasattr(obj, "audit_values"):
            obj.delete()
        else:
            AuditLog.record(AuditAction.DELETE, obj)
            obj.delete()

    def success_message(self, obj) -> str:
        """Said after the delete (the object keeps its fields, not its id)."""
        return f"已删除{self.model._meta.verbose_name}「{obj}」。"

    def success_url(self, obj) -> str:
        return self.url(self.list_url)

    def removed_with(self, obj) -> list[tuple[str, int]]:
        """(kind, count) of the records that go with the object (cascades)."""
        collector = Collector(using=router.db_for_write(self.model))
        try:
            collector.collect([obj])
        except (ProtectedError, RestrictedError):
            return []
        counts = Counter()
        for model, instances in collector.data.items():
            if model is not self.model:
                counts[str(model._meta.verbose_name)] += len(instances)
        for qs in collector.fast_deletes:
            if qs.model is not self.model:
                counted = qs.count()
                if counted:
                    counts[str(qs.model._meta.verbose_name)] += counted
        return sorted(counts.items())

    def render_confirm(self, obj, refused: str | None = None):
        context = {
            **self.base_context(obj),
            "view": self,
            "object": obj,
            "removed_with": self.removed_with(obj),
            "refused": refused,
            "cancel_href": self.url(self.detail_url, obj) if self.detail_url else self.url(self.list_url),
            **self.get_extra_context(obj),
        }
        if self.context_object_name:
            context[self.context_object_name] = obj
        return render(self.request, self.template_name, context)

    def get_extra_context(self, obj) -> dict:
        return {}


def protected_message(obj, error) -> str:
    """「仍有 3 个项目引用该企业，不能删除」: the records that keep it, by kind."""
    kinds = Counter(str(row._meta.verbose_name) for row in getattr(error, "protected_objects", None) or [])
    if not kinds:
        kinds = Counter(str(row._meta.verbose_name) for row in getattr(error, "restricted_objects", None) or [])
    listed = "、".join(f"{count} 条{kind}" for kind, count in sorted(kinds.items()))
    what = obj._meta.verbose_name
    if listed:
        return f"不能删除：仍有{listed}引用该{what}。请先处理这些记录，或改为停用。"
    return f"不能删除：该{what}仍被其他记录引用。"
