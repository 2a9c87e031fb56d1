from django import forms
from django.core.exceptions import ValidationError

from zhaoshang.core.forms import StyledFormMixin
from zhaoshang.reference.choices import DivisionLevel
from zhaoshang.reference.models import Division
from zhaoshang.relations.choices import CompanyFlag
from zhaoshang.relations.models import Company, Contact
from zhaoshang.relations.services import uscc_problem_explained


class CompanyForm(StyledFormMixin, forms.ModelForm):
    flags = forms.MultipleChoiceField(
        label="企业标签", choices=CompanyFlag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_duplicate = forms.BooleanField(label="我已核对，确认不是同一家企业，仍然保存", required=False)

    class Meta:
        model = Company
        fields = ["name", "uscc", "nature", "flags", "home_division", "address", "website", "remarks"]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Provinces and prefectures: where a company's head office is, for the source map.
        self.fields["home_division"].queryset = (
            Division.objects.restrict(user).filter(level__lte=DivisionLevel.PREFECTURE).order_by("code")
        )
        self.fields["home_division"].empty_label = "（未填）"
        self.fields["nature"].choices = [("", "（未填）"), *self.fields["nature"].choices[1:]]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_uscc(self):
        code = (self.cleaned_data.get("uscc") or "").strip().upper()
        if code:
            problem = uscc_problem_explained(code)
            if problem:
                raise ValidationError(problem)
        return code or None

    def validate_unique(self):
        # The service checks the credit code and says which company already holds it.
        pass


class ContactForm(StyledFormMixin, forms.ModelForm):
    """A contact's fields. The phone is never put back into the form: editing shows the
    masked number, and an empty phone field keeps the stored one."""

    phone = forms.CharField(label="手机号", max_length=30, required=False)
    clear_phone = forms.BooleanField(label="删除已存手机号", required=False)

    class Meta:
        model = Contact
        fields = ["name", "title", "email", "remarks"]

    field_order = ["name", "title", "phone", "clear_phone", "email", "remarks"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.phone:
            self.fields["phone"].help_text = f"已存 {self.instance.masked_phone}；留空则不修改。"
            self.fields["phone"].widget.attrs["placeholder"] = self.instance.masked_phone
        else:
            del self.fields["clear_phone"]

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        digits = "".join(char for char in phone if char.isdigit())
        if phone and (len(digits) < 7 or any(char not in "0123456789-+ ()" for char in phone)):
            raise ValidationError("请填写正确的电话号码（手机号 11 位，座机可带区号和“-”）。")
        return phone

    def new_phone(self) -> str | None:
        """The number to store: None keeps the stored one."""
        if self.cleaned_data.get("clear_phone"):
            return ""
        phone = self.cleaned_data.get("phone", "")
        if phone or not self.instance.pk:
            return phone
        return None
