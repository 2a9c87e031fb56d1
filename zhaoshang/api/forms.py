from django import forms

from zhaoshang.api.choices import EXPIRY_CHOICES, scope_label
from zhaoshang.core.forms import StyledFormMixin
from zhaoshang.core.once import OneTimeTokenFormMixin


def scope_choices(user) -> list[tuple[str, str]]:
    """The scopes worth giving this user's token (``services.usable_scopes``)."""
    from zhaoshang.api.services import usable_scopes

    return [(scope, scope_label(scope)) for scope in usable_scopes(user)]


class TokenForm(OneTimeTokenFormMixin, StyledFormMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=100, help_text="写明用途，例如：县大数据局数据共享平台")
    scopes = forms.MultipleChoiceField(
        label="权限范围",
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text="「写入」包含读取。令牌只能做您本人能做的事，看到的范围与您在页面上看到的相同。",
    )
    days = forms.TypedChoiceField(label="有效期", choices=EXPIRY_CHOICES, coerce=int, initial=90)
    allowed_networks = forms.CharField(
        label="允许的来源地址",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "10.12.0.0/16"}),
        help_text="每行一个 IP 或网段（CIDR）；留空则不限来源。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices(user)

    def clean_allowed_networks(self):
        from zhaoshang.api.services import network_problems

        value = self.cleaned_data["allowed_networks"]
        if problem := network_problems(value):
            raise forms.ValidationError(problem)
        return value
