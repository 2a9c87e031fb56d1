"""Form helpers shared by every app."""

from django import forms


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
