"""Form helpers shared by every app."""

from html import escape  # Django's escape() is this plus a lazy-string wrapper, slow per option

from django import forms
from django.utils.safestring import mark_safe

from zhaoshang.core.limits import validate_bounded_number, validate_no_control_characters, validate_plausible_date


def attributes(attrs: dict) -> str:
    """HTML attributes as Django's attrs.html writes them: in order, True as a bare name,
    False left out (flatatt would move the bare names last)."""
    return "".join(
        f" {key}" if value is True else f' {key}="{escape(str(value))}"'
        for key, value in attrs.items()
        if value is not False
    )


class FastSelect(forms.Select):
    """A <select> built as a string instead of one template render per <option>.

    Dropdowns of units and industries have hundreds to thousands of options; rendering
    each through the widget templates cost most of a list page's time at city scale.
    Same markup, same escaping, no option groups (none are used).

    Choices from a model whose class names ``choice_label_fields`` are read as plain
    value rows: building thousands of model instances (each with its audit snapshot) only
    to print their names cost more than the rest of the page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        options = self._options_markup()
        for item in self.format_value(value):
            # Values are unique, so marking the selected ones is one replacement each in the
            # joined markup (a C-speed scan) rather than a test on every one of thousands.
            opening = f'<option value="{escape(str(item))}">'
            options = options.replace(opening, f"{opening[:-1]} selected>", 1)
        markup = f'<select name="{escape(name)}"{attributes(final_attrs)}>{options}</select>'
        return mark_safe(markup)  # noqa: S308 - every value is escaped

    def _options_markup(self) -> str:
        """The escaped <option>s without ``selected``, joined. Model choices are read as plain
        rows, and the markup of a list of rows seen before is reused: the bureau's unit
        dropdowns have thousands of options on every list page."""
        rows = tuple(self._plain_choices())
        if len(rows) < 200:
            return self._build_options(rows)
        markup = _OPTION_CACHE.get(rows)
        if markup is None:
            markup = self._build_options(rows)
            if len(_OPTION_CACHE) > 64:
                _OPTION_CACHE.clear()
            _OPTION_CACHE[rows] = markup
        return markup

    @staticmethod
    def _build_options(rows) -> str:
        return "".join(
            f'<option value="{escape(value)}">{escape(str(label))}</option>'
            for value, label in (("" if value is None else str(value), label) for value, label in rows)
        )

    def _plain_rows_possible(self) -> bool:
        field = getattr(self.choices, "field", None)
        queryset = getattr(self.choices, "queryset", None)
        label_fields = getattr(getattr(queryset, "model", None), "choice_label_fields", None)
        default_label = forms.ModelChoiceField.label_from_instance
        plain_labels = getattr(type(field), "label_from_instance", None) is default_label
        return bool(label_fields and plain_labels) and not getattr(field, "null_label", None)

    def _plain_choices(self):
        if not self._plain_rows_possible():
            yield from ((value, str(label)) for value, label in self.choices)
            return
        field, queryset = self.choices.field, self.choices.queryset
        if field.empty_label is not None:
            yield "", str(field.empty_label)
        label_fields = queryset.model.choice_label_fields
        rows = queryset.values_list(field.to_field_name or "pk", *label_fields)
        if len(label_fields) == 1:  # the common case (units), without a join per row
            yield from rows
            return
        for pk, *labels in rows:
            yield pk, " ".join(map(str, labels))


class FastInputMixin:
    """An <input> built as a string: the same markup as Django's input.html template,
    without a template render per field (a list page's filter form has a dozen inputs)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value_attr = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
        markup = (
            f'<input type="{escape(widget["type"])}" name="{escape(name)}"{value_attr}{attributes(widget["attrs"])}>'
        )
        return mark_safe(markup)  # noqa: S308 - every value is escaped


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastDateInput(FastInputMixin, forms.DateInput):
    pass


class FastNumberInput(FastInputMixin, forms.NumberInput):
    pass


FAST_WIDGETS = {
    forms.Select: FastSelect,
    forms.TextInput: FastTextInput,
    forms.DateInput: FastDateInput,
    forms.NumberInput: FastNumberInput,
}


# Escaped option markup by the exact (value, label) rows it was built from; per process.
_OPTION_CACHE: dict[tuple, str] = {}


class TypedDecimalField(forms.DecimalField):
    """A number as clerks type it: 「1,200」, 「１２００」 or 「1，200.5」 read like the
    importer reads a ledger cell (``core.parsing.number_text``). A text input with a decimal
    keypad, since a browser's number input refuses thousands separators and drops them."""

    default_error_messages = {"invalid": "请输入数字，例如 1200 或 1,200。"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        from zhaoshang.core.parsing import number_text

        if isinstance(value, str):
            value = number_text(value)
        return super().to_python(value)


class StyledFormMixin:
    """Gives widgets Tabler's classes, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


# Widgets that are a group of inputs: an aria-label would be copied onto every option.
UNNAMED_WIDGETS = (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.HiddenInput, forms.MultipleHiddenInput)


def style_form(form) -> None:
    """Tabler classes on an existing form's widgets (FilterSet forms are built for us), the
    input rules every form keeps (``guard_field``), and each control named by its field's label.

    Filter bars and period pickers print bare controls without a <label> (「全部」 alone
    says nothing to a screen reader); the aria-label names them there, and equals the
    visible <label> where a form prints one, so nothing is announced differently."""
    for field in form.fields.values():
        guard_field(field)
        widget = field.widget
        if field.label and not isinstance(widget, UNNAMED_WIDGETS):
            widget.attrs.setdefault("aria-label", str(field.label))
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")
        if type(widget) in FAST_WIDGETS:  # exact types only: a subclass may render differently
            widget.__class__ = FAST_WIDGETS[type(widget)]


def guard_field(field: forms.Field) -> None:
    """The checks every form of the product makes, whatever the model says: text without
    invisible control characters (an Excel export cannot write them), dates within the
    plausible range of core/limits.py. Added here, where every form and filter form passes,
    rather than field by field. Each field is the form instance's own copy."""
    checks = []
    if isinstance(field, forms.CharField):
        checks.append(validate_no_control_characters)
    if isinstance(field, forms.DateField):
        checks.append(validate_plausible_date)
    if isinstance(field, forms.IntegerField):  # DecimalField and FloatField too
        # A filter's ?project=10^23 reached the database, which cannot compare it (a 500).
        checks.append(validate_bounded_number)
    field.validators.extend(check for check in checks if check not in field.validators)


class StyledFilterSet:
    """Mixin for django-filter FilterSets: the form comes out in the product's look."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            style_form(form)
            # A filter bar prints bare text boxes: an empty one shows what it filters.
            for field in form.fields.values():
                if field.label and type(field.widget) is FastTextInput:
                    field.widget.attrs.setdefault("placeholder", str(field.label))
            form._styled = True
        return form
