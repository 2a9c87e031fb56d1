"""Form helpers shared by every app."""

from html import escape  # Django's escape() is this plus a lazy-string wrapper, slow per option

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


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
        final_attrs["name"] = name
        selected = {str(item) for item in self.format_value(value)}
        parts = [f"<select{flatatt(final_attrs)}>"]
        for option_value, option_html in self._options():
            parts.append(option_html.replace(">", " selected>", 1) if option_value in selected else option_html)
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped

    def _options(self) -> list[tuple[str, str]]:
        """(value, escaped <option> without ``selected``) for every choice. Model choices are
        read as plain rows, and the escaped markup of a list of rows seen before is reused:
        the bureau's unit dropdowns have thousands of options on every list page."""
        rows = list(self._plain_choices())
        if len(rows) < 200:
            return self._build_options(rows)
        key = hash(tuple(rows))
        options = _OPTION_CACHE.get(key)
        if options is None or len(options) != len(rows):
            options = self._build_options(rows)
            if len(_OPTION_CACHE) > 64:
                _OPTION_CACHE.clear()
            _OPTION_CACHE[key] = options
        return options

    @staticmethod
    def _build_options(rows) -> list[tuple[str, str]]:
        options = []
        for option_value, option_label in rows:
            option_value = "" if option_value is None else str(option_value)
            options.append(
                (option_value, f'<option value="{escape(option_value)}">{escape(str(option_label))}</option>')
            )
        return options

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
        for pk, *labels in queryset.values_list(field.to_field_name or "pk", *label_fields):
            yield pk, " ".join(str(label) for label in labels)


# Escaped option markup by the exact (value, label) rows it was built from; per process.
_OPTION_CACHE: dict[tuple, list[tuple[str, str]]] = {}


class StyledFormMixin:
    """Gives widgets Tabler's classes, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


def style_form(form) -> None:
    """Tabler classes on an existing form's widgets (FilterSet forms are built for us)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
            if type(widget) is forms.Select:
                widget.__class__ = FastSelect
        else:
            widget.attrs.setdefault("class", "form-control")


class StyledFilterSet:
    """Mixin for django-filter FilterSets: the form comes out in the product's look."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            style_form(form)
            form._styled = True
        return form
