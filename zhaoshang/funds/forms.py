from django import forms

from zhaoshang.core.forms import StyledFormMixin, TypedDecimalField, date_picker
from zhaoshang.core.once import OneTimeTokenFormMixin
from zhaoshang.funds.choices import FundsKind, FundsSource
from zhaoshang.funds.models import FundsTranche
from zhaoshang.imports.forms import UploadForm

DATE = date_picker()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content when it is stored."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class TrancheForm(OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    """One tranche as the unit reads it off the bank voucher."""

    evidence = MultipleFileField(
        label="凭证附件",
        required=False,
        help_text="银行进账单、回单等（PDF、图片或 Word/Excel），可多选。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FundsTranche
        fields = ["date", "amount", "kind", "amount_usd", "source", "source_region", "voucher_no", "note"]
        field_classes = {"amount": TypedDecimalField, "amount_usd": TypedDecimalField}
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["amount_usd"].help_text = "外资必填，按银行凭证的美元金额。"
        self.fields["source"].choices = [("", "请选择"), *FundsSource.choices]

    def clean_evidence(self):
        # Checked by content before anything is saved, so a bad file never leaves a
        # tranche without its evidence or a stored file without its tranche.
        from zhaoshang.projects.attachments import check_upload

        files = self.cleaned_data.get("evidence") or []
        for uploaded in files:
            check_upload(uploaded)
        return files

    def clean(self):
        data = super().clean()
        if data.get("kind") == FundsKind.FOREIGN and data.get("amount_usd") is None:
            self.add_error("amount_usd", "外资须填写外资金额（万美元）。")
        return data


class FundsUploadForm(UploadForm):
    """The funds ledger upload: the same choices as the project ledger's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = "到位资金明细表"
        self.fields["file"].help_text = (
            "Excel（.xlsx、.xls）或 CSV。至少需要「项目名称」「到位时间」「到位金额」「资金来源」列；"
            "按项目编号，或项目名称加投资方匹配项目。"
        )
        self.fields["unit"].help_text = "表中的项目须属于该单位或其下级单位。"
        if "mark_verified" in self.fields:
            self.fields["mark_verified"].label = "导入即审核"
            self.fields["mark_verified"].help_text = "导入的到位资金直接记为审核通过；审计日志会注明「导入时审核」。"
