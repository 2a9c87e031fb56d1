"""The string-built widgets (core/forms.py) give the markup Django's templates give: pages
swap them in for speed, and nothing a browser or a test reads may change."""

import copy
import datetime
import re

import pytest
from django import forms

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import (
    FAST_WIDGETS,
    FastDateInput,
    FastNumberInput,
    FastSelect,
    FastTextInput,
    style_form,
)

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


def test_a_styled_control_is_named_by_its_label_and_still_renders_as_django_s():
    """GIVEN a form styled for the product, WHEN a control is printed without a <label>
    (filter bars, period pickers), THEN its aria-label names it; the string-built widgets
    still give Django's markup for the same attributes."""

    class PeriodForm(forms.Form):
        kind = forms.ChoiceField(label="审核状态", choices=[("", "全部"), ("a", "已审核")], required=False)
        chain = forms.CharField(label="产业链", required=False)
        day = forms.DateField(label="签约自", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    form = PeriodForm()
    style_form(form)
    for name, django_widget in (("kind", forms.Select), ("chain", forms.TextInput), ("day", forms.DateInput)):
        widget = form.fields[name].widget
        assert widget.attrs["aria-label"] == form.fields[name].label
        assert isinstance(widget, FAST_WIDGETS[django_widget])
        plain = copy.deepcopy(widget)
        plain.__class__ = django_widget
        for value in ("", "a"):
            fast_markup = widget.render(name, value, {"id": f"id_{name}"})
            assert _tags(fast_markup) == _tags(plain.render(name, value, {"id": f"id_{name}"}))
    assert 'aria-label="审核状态"' in str(form["kind"]) and ">全部</option>" in str(form["kind"])


def test_each_control_is_named_once_and_a_group_of_checkboxes_keeps_its_options_names():
    class ColumnsForm(forms.Form):
        stage = forms.MultipleChoiceField(
            label="阶段", choices=[("lead", "线索"), ("signed", "签约")], widget=forms.CheckboxSelectMultiple
        )
        token = forms.CharField(label="令牌", widget=forms.HiddenInput)
        q = forms.CharField(label="查找", widget=forms.TextInput(attrs={"aria-label": "查找项目"}))
        amount = forms.DecimalField(label="协议总投资")

    form = ColumnsForm()
    style_form(form)
    assert str(form["amount"]).count('aria-label="协议总投资"') == 1
    assert "aria-label" not in str(form["stage"]) and "aria-label" not in str(form["token"])
    assert 'aria-label="查找项目"' in str(form["q"])  # a name a form gives itself is kept


@pytest.mark.django_db
def test_the_project_list_filters_are_named_not_just_全部(personas):
    """The bureau found 「全部」 dropdowns and bare text boxes on the project list that a
    screen reader announced without saying what they filter."""
    from zhaoshang.projects.filtersets import ProjectFilterSet

    form = ProjectFilterSet(user=personas.bureau).form
    expected = {
        "verification": "审核状态",
        "is_key": "重点项目",
        "leading_industry": "主导产业",
        "chain_tag": "产业链",
        "unit": "单位",
        "signed_from": "签约自",
    }
    for name, label in expected.items():
        assert f'aria-label="{label}"' in str(form[name]), name
    assert '<option value="" selected>全部</option>' in str(form["verification"])
    # Sighted users see what an empty text box filters; a placeholder of the filter's own stays.
    assert 'placeholder="主导产业"' in str(form["leading_industry"])
    assert 'placeholder="项目名称、投资方、编号或拼音首字母"' in str(form["q"])
