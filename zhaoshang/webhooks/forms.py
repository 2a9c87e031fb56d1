from django import forms

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFormMixin
from zhaoshang.core.once import OneTimeTokenFormMixin
from zhaoshang.core.roles import Role
from zhaoshang.webhooks.choices import EventType
from zhaoshang.webhooks.models import Subscription

BUREAU_SCOPE = "招商局（全部单位）"


class SubscriptionForm(StyledFormMixin, forms.ModelForm):
    """A subscription. The signing secret is made by the server and shown once after the
    create, never in this form; when editing, the stored address is not sent back to the
    browser (an empty field keeps it)."""

    event_types = forms.MultipleChoiceField(
        label="订阅的事件",
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="只推送所属单位能看到的对象的事件。",
    )

    class Meta:
        model = Subscription
        fields = ["name", "unit", "target_url", "event_types", "payload_version", "active"]
        widgets = {"target_url": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})}
        help_texts = {"target_url": "接收事件的地址，例如 https://data.example.gov.cn/hooks/zhaoshang"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        unit.queryset = Unit.objects.restrict(user).filter(active=True).order_by("path")
        if user.role == Role.BUREAU:
            unit.required, unit.empty_label = False, BUREAU_SCOPE
        else:
            unit.required = True
            unit.help_text = "只推送该单位及下级单位的事件。"
        self.editing = self.instance.pk is not None
        if self.editing:
            self.stored_url = self.instance.target_url
            self.initial["target_url"] = ""
            self.fields["target_url"].required = False
            self.fields["target_url"].help_text = f"当前：{self.instance.masked_url}。留空则保持不变。"

    def clean(self):
        data = super().clean()
        if self.editing and not data.get("target_url"):
            data["target_url"] = self.stored_url
        return data


class SubscriptionCreateForm(OneTimeTokenFormMixin, SubscriptionForm):
    pass
