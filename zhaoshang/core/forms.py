"""Form helpers shared by every app."""

import re
from html import escape  # Django's escape() is this plus a lazy-string wrapper, slow per option

from django import forms
from django.core import validators
from django.db import models
from django.utils.safestring import mark_safe

from zhaoshang.core.limits import validate_bounded_number, validate_no_control_characters, validate_plausible_date

# The empty choice of a dropdown: in a form, and in a filter (where it means "any").
EMPTY_CHOICE = "请选择"
EMPTY_FILTER_CHOICE = "全部"
DJANGO_EMPTY_LABEL = "---------"


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


def date_picker() -> forms.DateInput:
    """The browser's date picker. ``<input type="date">`` takes only ISO dates (2026-01-01):
    rendered in the locale's format (2026/01/01) the browser drops the value and shows an
    empty box, so every date input of the product is made here."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
    """Gives widgets Tabler's classes, so templates render fields with one include; error
    messages in plain Chinese and 「请选择」 as the empty choice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

    def full_clean(self):
        super().full_clean()
        if getattr(self, "_errors", None):
            plain_validator_errors(self)


# Widgets that are a group of inputs: an aria-label would be copied onto every option.
UNNAMED_WIDGETS = (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.HiddenInput, forms.MultipleHiddenInput)


def style_form(form, empty_choice: str = EMPTY_CHOICE) -> None:
    """Tabler classes on an existing form's widgets (FilterSet forms are built for us), the
    input rules every form keeps (``guard_field``), plain Chinese messages, ``empty_choice``
    for Django's 「---------」, and each control named by its field's label.

    Filter bars and period pickers print bare controls without a <label> (「全部」 alone
    says nothing to a screen reader); the aria-label names them there, and equals the
    visible <label> where a form prints one, so nothing is announced differently."""
    # label_tag() adds Django's suffix, a half-width ":" in its zh-hans catalogue.
    if str(getattr(form, "label_suffix", "")) == ":":
        form.label_suffix = "："
    for field in form.fields.values():
        guard_field(field)
        plain_error_messages(field)
        plain_empty_choice(field, empty_choice)
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
            style_form(form, EMPTY_FILTER_CHOICE)
            # A filter bar prints bare text boxes: an empty one shows what it filters.
            for field in form.fields.values():
                if field.label and type(field.widget) is FastTextInput:
                    field.widget.attrs.setdefault("placeholder", str(field.label))
            form._styled = True
        return form


# --- Plain Chinese messages ----------------------------------------------------------------
# Django's own messages (「确保该变量…」, 「输入一个数字。」, 「这个字段是必填项。」) name
# neither the field nor the unit. Every styled form and filter form gets these instead,
# built from the field's label: 「协议总投资请填写以万元为单位的数字，最多保留4位小数。」
# A message a form sets itself is kept; only Django's defaults are replaced.


# Units that appear in labels' brackets: 「协议总投资（万元）」, 「用地面积（亩）」.
UNITS = (
    "万元",
    "亿元",
    "万美元",
    "美元",
    "元",
    "亩",
    "平方米",
    "万平方米",
    "%",
    "人",
    "个",
    "家",
    "天",
    "工作日",
    "分",
)
_BRACKETS = re.compile(r"[（(]([^（）()]*)[）)]")


def label_parts(label) -> tuple[str, str]:
    """「协议总投资（万元）」 → ("协议总投资", "万元"); a label without a unit keeps its
    brackets' words out of the name: 「当前阶段（填报）」 → ("当前阶段", "")."""
    text = str(label or "").strip().rstrip("：:")
    unit = next((match for match in _BRACKETS.findall(text) if match.strip() in UNITS), "")
    name = _BRACKETS.sub("", text).strip() or "此项"
    return name, unit.strip()


# What to write when a value cannot be read, by field type (first match: a FloatField is
# an IntegerField to Django, so it comes first).
INVALID_MESSAGES = (
    (forms.FloatField, "{name}请填写{in_unit}数字。"),
    (forms.IntegerField, "{name}请填写{in_unit}整数。"),
    (forms.DateTimeField, "{name}请填写正确的日期和时间，例如 2026-12-04 10:30。"),
    (forms.DateField, "{name}请填写正确的日期，例如 2026-12-04。"),
    (forms.TimeField, "{name}请填写正确的时间，例如 10:30。"),
    (forms.EmailField, "{name}请填写正确的电子邮箱地址，例如 name@example.gov.cn。"),
    (forms.URLField, "{name}请填写完整的网址，以 http:// 或 https:// 开头。"),
)


def _default_messages(field) -> dict:
    defaults = {}
    for klass in reversed(type(field).__mro__):
        defaults.update(getattr(klass, "default_error_messages", {}))
    return defaults


def plain_messages(field) -> dict:
    """The plain Chinese messages for ``field``, by error code (see the module notes)."""
    name, unit = label_parts(field.label)
    in_unit = f"以{unit}为单位的" if unit else ""
    messages = {}
    if isinstance(field, (forms.ModelChoiceField, forms.ChoiceField)):
        messages["required"] = f"请选择{name}。"
        if isinstance(field, forms.ModelChoiceField):
            messages["invalid_choice"] = f"所选的{name}已不存在或不在可选范围内，请重新选择。"
            messages["invalid_pk_value"] = f"所选的{name}已不存在或不在可选范围内，请重新选择。"
        else:
            messages["invalid_choice"] = f"{name}没有「%(value)s」这一项，请从列表中选择。"
        messages["invalid_list"] = f"请从列表中选择{name}。"
    elif isinstance(field, forms.FileField):
        messages.update(
            required=f"请上传{name}。",
            missing=f"请上传{name}。",
            empty=f"上传的{name}是空文件，请检查后重新上传。",
            invalid=f"没有收到{name}，请重新选择文件上传。",
            max_length="文件名太长：最多 %(max)d 个字（现在 %(length)d 个），请改短后重新上传。",
        )
    elif isinstance(field, forms.BooleanField):
        messages["required"] = f"请勾选{name}。"
    else:
        messages["required"] = f"请填写{name}。"
    if isinstance(field, forms.DecimalField):
        places = field.decimal_places
        rounding = f"，最多保留{places}位小数" if places else ""
        messages.update(
            invalid=f"{name}请填写{in_unit}数字{rounding}。",
            max_decimal_places=f"{name}请填写{in_unit}数字，最多保留%(max)s位小数。",
            max_digits=f"{name}的数字太长：请填写{in_unit}数字，最多%(max)s位数字。",
            max_whole_digits=f"{name}的数字太大：请填写{in_unit}数字，整数部分最多%(max)s位。",
        )
    else:
        invalid = next((text for kind, text in INVALID_MESSAGES if isinstance(field, kind)), None)
        if invalid:
            messages["invalid"] = invalid.format(name=name, in_unit=in_unit)
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        messages["max_value"] = f"{name}不能大于%(limit_value)s{unit}。"
        messages["min_value"] = f"{name}不能小于%(limit_value)s{unit}。"
        messages["step_size"] = f"{name}须为%(limit_value)s{unit}的整数倍。"
    elif not isinstance(field, forms.FileField):
        messages["max_length"] = f"{name}最多填写%(limit_value)d个字（现在%(show_value)d个）。"
        messages["min_length"] = f"{name}至少填写%(limit_value)d个字（现在%(show_value)d个）。"
    # Model validation run by model forms (unique fields, blank/null) uses these codes.
    messages["unique"] = f"已存在{name}相同的%(model_name)s，请核对后重新填写。"
    messages["blank"] = messages["null"] = messages["required"]
    # Django fills these messages with %-formatting: a label's own "%" (完成率封顶（%）) must
    # be doubled there, or formatting the error raises instead of showing it.
    for code in FORMATTED_CODES & messages.keys():
        messages[code] = _LONE_PERCENT.sub("%%", messages[code])
    return messages


# Codes whose messages Django formats with params (validators, choice and file fields).
FORMATTED_CODES = {
    "invalid_choice",
    "max_length",
    "min_length",
    "max_value",
    "min_value",
    "step_size",
    "max_digits",
    "max_decimal_places",
    "max_whole_digits",
    "unique",
}
_LONE_PERCENT = re.compile(r"(?<!%)%(?![(%])")  # not one already doubled


# Messages that validators raise (the form field's, or the model field's in a model form).
# A validator given its own message (MinValueValidator(0, "…不能为负数。")) keeps it, so
# these codes are not put into the field's error_messages (which would override every
# validator's message); a raised error is replaced after validation only when its message
# is the very object Django's validator carries by default.
VALIDATOR_DEFAULTS = {
    "min_value": validators.MinValueValidator.message,
    "max_value": validators.MaxValueValidator.message,
    "step_size": validators.StepValueValidator.message,
    "max_length": validators.MaxLengthValidator.message,
    "min_length": validators.MinLengthValidator.message,
    "max_digits": validators.DecimalValidator.messages["max_digits"],
    "max_decimal_places": validators.DecimalValidator.messages["max_decimal_places"],
    "max_whole_digits": validators.DecimalValidator.messages["max_whole_digits"],
    "unique": models.Field.default_error_messages["unique"],
}


def plain_error_messages(field) -> None:
    """Replace Django's default messages on ``field``; messages a form set itself stay."""
    defaults = _default_messages(field)
    for code, message in plain_messages(field).items():
        if code in VALIDATOR_DEFAULTS and code not in defaults:
            continue  # raised by a validator: see plain_validator_errors()
        current = field.error_messages.get(code)
        if current is None or current == defaults.get(code):
            field.error_messages[code] = message


def plain_validator_errors(form) -> None:
    """After validation: errors that carry a Django validator's default message get the
    plain one for their field (「协议总投资不能小于0万元。」)."""
    for name, errors in form._errors.items():
        field = form.fields.get(name)
        if field is None:
            continue
        plain = None
        for error in errors.data:
            code = getattr(error, "code", None)
            if code in VALIDATOR_DEFAULTS and getattr(error, "message", None) is VALIDATOR_DEFAULTS[code]:
                plain = plain or plain_messages(field)
                error.message = plain[code]
            elif getattr(error, "params", None) and isinstance(error.message, str):
                # Django %-formats a message that came with params (DecimalValidator's
                # "invalid" for NaN carries {"value"}): a label's own "%" (以%为单位的) must be
                # doubled, or showing the error raises instead.
                error.message = _LONE_PERCENT.sub("%%", error.message)


def plain_empty_choice(field, label: str) -> None:
    """「---------」 as the empty choice of a dropdown reads ``label`` (请选择 / 全部)."""
    if hasattr(field, "empty_label"):  # model choice fields and django-filter's read it when listed
        if field.empty_label == DJANGO_EMPTY_LABEL:
            field.empty_label = label
        return
    if isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if any(value == "" and str(text) == DJANGO_EMPTY_LABEL for value, text in choices):
            field.choices = [
                (value, label if value == "" and str(text) == DJANGO_EMPTY_LABEL else text) for value, text in choices
            ]
