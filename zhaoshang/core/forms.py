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
        for option_value, option_label in self._plain_choices():
            option_value = "" if option_value is None else str(option_value)
            mark = " selected" if option_value in selected else ""
            parts.append(f'<option value="{escape(option_value)}"{mark}>{escape(option_label)}</option>')
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped

    def _plain_choices(self):
        choices = self.choices
        field = getattr(choices, "field", None)
        queryset = getattr(choices, "queryset", None)
        label_fields = getattr(getattr(queryset, "model", None), "choice_label_fields", None)
        default_label = forms.ModelChoiceField.label_from_instance
        plain_labels = getattr(type(field), "label_from_instance", None) is default_label
        if not (label_fields and plain_labels) or getattr(field, "null_label", None):
            yield from choices
            return
        if field.empty_label is not None:
            yield "", field.empty_label
        for pk, *labels in queryset.values_list(field.to_field_name or "pk", *label_fields):
            yield pk, " ".join(str(label) for label in labels)


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
