from django import forms

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFormMixin


class LedgerUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="台账文件", help_text="Excel（.xlsx、.xls）或 CSV（UTF-8 / GBK）。系统自动识别标题行、合并表头和合计行。"
    )
    unit = forms.ModelChoiceField(
        label="导入单位", queryset=Unit.objects.none(), help_text="台账中的责任单位须为该单位或其下级单位。"
    )
    mark_verified = forms.BooleanField(
        label="导入即审核通过",
        required=False,
        help_text="仅用于招商局迁移已核实的历史台账；审计日志会注明「导入时审核」。",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.restrict(user).filter(active=True).order_by("path")
        if user is not None and user.role == "officer":
            units = units.filter(path__startswith=user.unit.path)
        self.fields["unit"].queryset = units
        self.fields["unit"].initial = getattr(user, "unit_id", None)
        if user is None or user.role != "bureau":
            del self.fields["mark_verified"]
