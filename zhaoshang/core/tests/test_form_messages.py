"""Form messages in plain Chinese that name the field and the unit, 「请选择」 for empty
choices, and password rules in Chinese — project-wide, from core.forms."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from zhaoshang.projects.forms import FollowUpForm, ProjectForm

pytestmark = pytest.mark.django_db

FRAMEWORK = (
    "这个字段是必填项",
    "确保该",
    "输入一个数字",
    "输入整数",
    "输入一个有效的日期",
    "选择一个有效的选项",
    "---------",
)


def _errors(form) -> dict:
    form.is_valid()
    return {name: " ".join(messages) for name, messages in form.errors.items()}


def _project_form(personas, **data):
    return ProjectForm(data={"name": "安泰电容器项目", "stage": "negotiating", **data}, user=personas.officer_a)


def test_a_wrong_amount_names_the_field_the_unit_and_the_decimals(personas):
    errors = _errors(_project_form(personas, total_investment="五千"))
    assert errors["total_investment"] == "协议总投资请填写以万元为单位的数字，最多保留4位小数。"
    errors = _errors(_project_form(personas, total_investment="1.123456"))
    assert errors["total_investment"] == "协议总投资请填写以万元为单位的数字，最多保留4位小数。"
    errors = _errors(_project_form(personas, foreign_investment_usd="-3"))
    assert errors["foreign_investment_usd"] == "外资不能小于0万美元。"


def test_a_wrong_date_too_long_text_and_an_unknown_choice_read_plainly(personas):
    errors = _errors(_project_form(personas, name="项" * 201, signed_on="2024-13-01", stage="paused"))
    assert errors["name"] == "项目名称最多填写200个字（现在201个）。"
    assert errors["signed_on"] == "签约日期请填写正确的日期，例如 2026-12-04。"
    assert errors["stage"] == "当前阶段没有「paused」这一项，请从列表中选择。"
    for text in FRAMEWORK:
        assert text not in " ".join(errors.values())


def test_a_missing_required_field_says_what_to_fill_in(personas):
    errors = _errors(FollowUpForm(data={}))
    assert errors["content"].startswith("请填写")
    assert errors["kind"].startswith("请选择")
    assert not any(text in " ".join(errors.values()) for text in FRAMEWORK)


def test_dropdowns_offer_please_choose_not_dashes(personas, client_for):
    content = client_for(personas.officer_a).get(reverse("projects:create")).content.decode()
    assert "---------" not in content
    assert ">请选择</option>" in content


def test_filter_dropdowns_read_all_not_dashes(personas, client_for):
    content = client_for(personas.bureau).get(reverse("projects:list")).content.decode()
    assert "---------" not in content


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Ab1!", "密码太短：至少需要 8 个字符。"),
        ("Password1!", "这个密码太常见，容易被猜到，请换一个。"),
        ("83920174650", "密码不能全是数字。"),
    ],
)
def test_password_rules_read_in_plain_chinese(personas, password, expected):
    with pytest.raises(ValidationError) as raised:
        validate_password(password, personas.officer_a)
    assert expected in raised.value.messages


def test_labels_that_templates_suffix_end_in_a_full_width_colon(personas):
    from zhaoshang.projects.forms import StageClaimForm

    form = StageClaimForm()
    assert form["amount"].label_tag().endswith("签约金额（万元）：</label>")


def test_a_message_a_form_gives_its_own_validator_is_kept():
    from decimal import Decimal

    from django import forms
    from django.core.validators import MinValueValidator

    from zhaoshang.core.forms import StyledFormMixin

    class AmountForm(StyledFormMixin, forms.Form):
        mine = forms.DecimalField(
            label="本期投资（万元）", validators=[MinValueValidator(Decimal(0), "本期投资不能为负数。")]
        )
        plain = forms.DecimalField(label="累计投资（万元）", min_value=Decimal(0), max_digits=6, decimal_places=2)

    errors = _errors(AmountForm(data={"mine": "-1", "plain": "-1"}))
    assert errors == {"mine": "本期投资不能为负数。", "plain": "累计投资不能小于0万元。"}
    assert _errors(AmountForm(data={"mine": "1", "plain": "123456"}))["plain"] == (
        "累计投资的数字太大：请填写以万元为单位的数字，整数部分最多4位。"
    )


def test_a_label_with_a_percent_sign_still_formats_its_messages():
    """「完成率封顶（%）」 put a lone % into Django's %-formatted messages: posting 150 raised
    ValueError (a 500) instead of saying the limit."""
    from django import forms as django_forms

    from zhaoshang.core.forms import StyledFormMixin

    class CapForm(StyledFormMixin, django_forms.Form):
        cap = django_forms.DecimalField(label="完成率封顶（%）", max_value=120, decimal_places=1)

    form = CapForm(data={"cap": "150"})
    assert not form.is_valid()
    assert form.errors["cap"] == ["完成率封顶不能大于120%。"]
