from django import forms

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action
from zhaoshang.core.forms import StyledFormMixin


class UploadForm(StyledFormMixin, forms.Form):
    """The upload of any import: the file, the unit it is for (if the spec imports per unit)
    and, for who may verify, 导入即审核通过 (if the spec offers it)."""

    file = forms.FileField(
        label="文件", help_text="Excel（.xlsx、.xls）或 CSV（UTF-8 / GBK）。系统自动识别标题行和表头。"
    )
    unit = forms.ModelChoiceField(
        label="导入单位", queryset=Unit.objects.none(), help_text="表中的数据须属于该单位或其下级单位。"
    )
    mark_verified = forms.BooleanField(
        label="导入即审核通过",
        required=False,
        help_text="仅用于招商局迁移已核实的历史数据；审计日志会注明「导入时审核」。",
    )

    def __init__(self, *args, user=None, spec=None, **kwargs):
        super().__init__(*args, **kwargs)
        if spec is not None and not spec.per_unit:
            del self.fields["unit"]
        else:
            units = Unit.objects.restrict(user).filter(active=True).order_by("path")
            if user is not None and user.role == "officer":
                units = units.filter(path__startswith=user.unit.path)
            self.fields["unit"].queryset = units
            self.fields["unit"].initial = getattr(user, "unit_id", None)
        offered = spec is None or (spec.verify_on_import and spec.model.access.allows(user, Action.VERIFY))
        if user is None or user.role != "bureau" or not offered:
            del self.fields["mark_verified"]


class LedgerUploadForm(UploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = "台账文件"
        self.fields[
            "file"
        ].help_text = "Excel（.xlsx、.xls）或 CSV（UTF-8 / GBK）。系统自动识别标题行、合并表头和合计行。"
        if "unit" in self.fields:
            self.fields["unit"].help_text = "台账中的责任单位须为该单位或其下级单位。"
