"""The string-built widgets (core/forms.py) give the markup Django's templates give: pages
swap them in for speed, and nothing a browser or a test reads may change."""

import datetime
import re

import pytest
from django import forms

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import FastDateInput, FastNumberInput, FastSelect, FastTextInput, style_form

ATTRS = [
    {"class": "form-control", "placeholder": 'a<b"c', "required": True, "disabled": False},
    {"type": "date", "data-x": "1"},
]
VALUES = [None, "", "x<y&\"z'", datetime.date(2025, 1, 2), 12, 0]


@pytest.mark.parametrize(
    ("django_widget", "fast_widget"),
    [(forms.TextInput, FastTextInput), (forms.DateInput, FastDateInput), (forms.NumberInput, FastNumberInput)],
)
def test_inputs_render_exactly_as_django_s_template(django_widget, fast_widget):
    for attrs in ATTRS:
        for value in VALUES:
            expected = django_widget(attrs=attrs).render("n", value, {"id": "id_n"})
            assert fast_widget(attrs=attrs).render("n", value, {"id": "id_n"}) == expected


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.django_db
def test_a_unit_dropdown_renders_as_django_s_with_the_chosen_unit_selected(personas):
    class UnitForm(forms.Form):
        unit = forms.ModelChoiceField(Unit.objects.order_by("path"), empty_label="全部单位", required=False)

    for value in (None, personas.town_a.pk):
        plain = UnitForm(initial={"unit": value})
        expected = str(plain["unit"])
        fast = UnitForm(initial={"unit": value})
        fast.fields["unit"].widget.__class__ = FastSelect
        assert _tags(str(fast["unit"])) == _tags(expected)
    styled = UnitForm(initial={"unit": personas.town_a.pk})
    style_form(styled)
    markup = str(styled["unit"])
    assert isinstance(styled.fields["unit"].widget, FastSelect) and 'class="form-select"' in markup
    assert markup.count(" selected>") == 1
    assert f'<option value="{personas.town_a.pk}" selected>{personas.town_a.name}</option>' in markup
