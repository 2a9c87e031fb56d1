from django import forms

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFormMixin
from zhaoshang.notifications.choices import Channel, NotificationKind
from zhaoshang.notifications.models import UnitWebhook


def preference_field(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class PreferencesForm(forms.Form):
    """One checkbox per kind × channel: receive it or not."""

    def __init__(self, *args, current: dict[tuple[str, str], bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            for channel in Channel:
                self.fields[preference_field(kind, channel)] = forms.BooleanField(
                    label=f"{kind.label} · {channel.label}",
                    required=False,
                    initial=current[(kind, channel)],
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
                )

    def wanted(self) -> set[tuple[str, str]]:
        return {
            (kind.value, channel.value)
            for kind in NotificationKind
            for channel in Channel
            if self.cleaned_data.get(preference_field(kind, channel))
        }

    def rows(self):
        """(kind, [bound field per channel]) for the table."""
        return [(kind, [self[preference_field(kind, channel)] for channel in Channel]) for kind in NotificationKind]


class UnitWebhookForm(StyledFormMixin, forms.ModelForm):
    """A unit's robot. When editing, the stored address and secret are never sent back to
    the browser: an empty field keeps them."""

    kinds = forms.MultipleChoiceField(
        label="推送的消息类型",
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="这些类型的消息涉及本单位时，发送到群里。",
    )
    clear_secret = forms.BooleanField(label="清除加签密钥", required=False, help_text="不再加签")

    class Meta:
        model = UnitWebhook
        fields = ["unit", "name", "kind", "url", "secret", "kinds", "enabled"]
        widgets = {
            "url": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "secret": forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
        }
        help_texts = {
            "url": "钉钉：https://oapi.dingtalk.com/robot/send?access_token=…；"
            "企业微信：https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
            "secret": "钉钉机器人「加签」的密钥（SEC 开头）；企业微信不需要。",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(user).filter(active=True).order_by("path")
        self.editing = self.instance.pk is not None
        if self.editing:
            self.stored_url, self.stored_secret = self.instance.url, self.instance.secret
            self.initial["url"] = ""
            self.fields["url"].required = False
            self.fields["url"].help_text = f"当前：{self.instance.masked_url}。留空则保持不变。"
            if self.instance.secret:
                self.fields["secret"].help_text = f"当前：{self.instance.masked_secret}。留空则保持不变。"
        else:
            del self.fields["clear_secret"]

    def clean(self):
        data = super().clean()
        if self.editing:
            if not data.get("url"):
                data["url"] = self.stored_url
            if data.get("clear_secret"):
                data["secret"] = ""
            elif not data.get("secret"):
                data["secret"] = self.stored_secret
        return data
