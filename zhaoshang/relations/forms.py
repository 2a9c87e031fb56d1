import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from zhaoshang.core.forms import StyledFormMixin, TypedDecimalField, date_picker
from zhaoshang.reference.choices import DivisionLevel
from zhaoshang.reference.models import Division, Industry
from zhaoshang.relations.choices import CompanyFlag, LeaderLevel, LocalStatus, PersonalField
from zhaoshang.relations.models import Company, Contact, Interaction, Intermediary, PromotionAgreement
from zhaoshang.relations.services import find_company, uscc_problem_explained


class CompanyForm(StyledFormMixin, forms.ModelForm):
    flags = forms.MultipleChoiceField(
        label="企业标签", choices=CompanyFlag.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_duplicate = forms.BooleanField(label="我已核对，确认不是同一家企业，仍然保存", required=False)

    former_names = forms.CharField(
        label="曾用名",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一个。查重和台账导入时，曾用名也能找到这家企业。",
    )
    registered_capital = TypedDecimalField(
        label="注册资本（万元）", required=False, max_digits=18, decimal_places=4, min_value=0
    )

    class Meta:
        model = Company
        fields = [
            "name",
            "former_names",
            "uscc",
            "nature",
            "local_status",
            "flags",
            "listed_exchange",
            "stock_code",
            "industry",
            "parent",
            "global_hq",
            "registered_capital",
            "employee_band",
            "revenue_band",
            "home_division",
            "abroad",
            "address",
            "website",
            "remarks",
        ]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Provinces and prefectures: where a company's head office is, for the source map.
        self.fields["home_division"].queryset = (
            Division.objects.restrict(user).filter(level__lte=DivisionLevel.PREFECTURE).order_by("code")
        )
        self.fields["home_division"].empty_label = "（未填）"
        self.fields["nature"].choices = [("", "（未填）"), *self.fields["nature"].choices[1:]]
        self.fields["abroad"].choices = [("", "（境内企业）"), *self.fields["abroad"].choices[1:]]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.initial["former_names"] = "\n".join(self.instance.former_names or [])
        self.fields["industry"].queryset = Industry.objects.restrict(user).order_by("code")
        self.fields["industry"].empty_label = "（未填）"
        # The parent is typed as a company id picked from the registry's search; a dropdown
        # of every company would be 200,000 options at province scale.
        self.fields["parent"].widget = forms.NumberInput(attrs={"placeholder": "母公司在企业库中的编号"})
        self.fields["parent"].help_text = "填写母公司在企业库中的编号（企业页面地址中的数字），没有可不填。"
        self.fields["parent"].queryset = Company.objects.filter(merged_into__isnull=True)
        self.fields["local_status"].required = False
        for name in ("employee_band", "revenue_band", "listed_exchange"):
            self.fields[name].choices = [("", "（未填）"), *self.fields[name].choices[1:]]

    def clean_local_status(self):
        return self.cleaned_data.get("local_status") or LocalStatus.EXTERNAL

    def clean_former_names(self):
        lines = (self.cleaned_data.get("former_names") or "").splitlines()
        return [line.strip() for line in lines if line.strip()]

    def clean(self):
        data = super().clean()
        parent = data.get("parent")
        if parent is not None and self.instance.pk and parent.pk == self.instance.pk:
            self.add_error("parent", "母公司不能是企业自身。")
        if data.get("stock_code") and not data.get("listed_exchange"):
            self.add_error("listed_exchange", "填写了股票代码，请选择上市交易所。")
        return data

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


def local_divisions(user):
    """Divisions of our own area, for a 乡贤's native place: the counties and townships
    under the division of the top unit (the city); every county and township when the
    unit tree names no division yet."""
    from zhaoshang.accounts.models import Unit

    divisions = Division.objects.restrict(user).filter(level__gte=DivisionLevel.COUNTY)
    codes = [code for code in Unit.objects.filter(parent=None).values_list("division__code", flat=True) if code]
    if codes:
        within = Q()
        for code in codes:
            within |= Q(code__startswith=code)
        divisions = divisions.filter(within)
    return divisions.order_by("code")


PHONE_CHARACTERS = set("0123456789-+ ()")


def check_personal(name: str, value: str) -> str:
    """Why a typed phone, WeChat id or ID number cannot be right, or ""."""
    if name in (PersonalField.PHONE, PersonalField.OFFICE_PHONE):
        digits = [char for char in value if char.isdigit()]
        if len(digits) < 7 or any(char not in PHONE_CHARACTERS for char in value):
            return "请填写正确的电话号码（手机号 11 位，座机可带区号和“-”）。"
    elif name == PersonalField.WECHAT:
        if not re.fullmatch(r"[A-Za-z0-9_\-]{5,50}", value):
            return "微信号由字母、数字、下划线或“-”组成，至少 5 位。"
    elif name == PersonalField.ID_NUMBER and not re.fullmatch(r"[A-Za-z0-9()（）\-]{5,30}", value):
        return "证件号码只能包含字母、数字和“-”。"
    return ""


class ContactForm(StyledFormMixin, forms.ModelForm):
    """A contact's fields. Personal information (phones, WeChat, ID number) is never put
    back into the form: editing shows the masked value, and an empty box keeps the stored
    one; a tick clears it."""

    class Meta:
        model = Contact
        fields = [
            "kind",
            "name",
            "title",
            "intermediary",
            "email",
            "native_division",
            "residence",
            "workplace",
            "sector",
            "standing",
            "keeping_unit",
            "keeping_officer",
            "consent_basis",
            "source",
            "consent_on",
            "is_key",
            "remarks",
        ]
        widgets = {"consent_on": date_picker()}

    phone = forms.CharField(label="手机号", max_length=30, required=False)
    clear_phone = forms.BooleanField(label="删除已存手机号", required=False)
    office_phone = forms.CharField(label="办公电话", max_length=30, required=False)
    clear_office_phone = forms.BooleanField(label="删除已存办公电话", required=False)
    wechat = forms.CharField(label="微信号", max_length=50, required=False)
    clear_wechat = forms.BooleanField(label="删除已存微信号", required=False)
    id_number = forms.CharField(label="证件号码", max_length=30, required=False)
    clear_id_number = forms.BooleanField(label="删除已存证件号码", required=False)

    field_order = ["kind", "name", "title", "phone", "clear_phone", "office_phone", "clear_office_phone"]
    field_order += ["wechat", "clear_wechat", "email", "id_number", "clear_id_number"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from zhaoshang.accounts.models import Unit, User

        stored = self.instance
        for name in PersonalField.values:
            if stored.pk and getattr(stored, name):
                masked = stored.masked(name)
                self.fields[name].help_text = f"已存 {masked}；留空则不修改。"
                self.fields[name].widget.attrs["placeholder"] = masked
            else:
                del self.fields[f"clear_{name}"]
        self.fields["intermediary"].queryset = Intermediary.objects.restrict(user).order_by("name")
        self.fields["intermediary"].help_text = "商会、协会等机构的联系人填写。"
        self.fields["native_division"].queryset = local_divisions(user)
        self.fields["native_division"].help_text = "乡贤填写：来自本地哪个县（区）、乡镇。"
        self.fields["keeping_unit"].queryset = Unit.objects.restrict(user).filter(active=True)
        self.fields["keeping_unit"].required = True
        self.fields["keeping_unit"].help_text = "只有维护单位（及其上级）、招商局和领导能看到这条记录。"
        self.fields["keeping_officer"].queryset = (
            User.objects.restrict(user).filter(is_active=True, unit__isnull=False).order_by("unit__path", "username")
        )
        if not stored.pk and user is not None and user.unit_id:
            # The model's empty values are in the initial data already: replace them.
            self.initial["keeping_unit"] = self.initial.get("keeping_unit") or user.unit_id
            self.initial["keeping_officer"] = self.initial.get("keeping_officer") or user.pk

    def clean(self):
        data = super().clean()
        for name in PersonalField.values:
            value = (data.get(name) or "").strip()
            data[name] = value
            if value and (problem := check_personal(name, value)):
                self.add_error(name, problem)
        return data

    def personal_values(self) -> dict[str, str]:
        """The personal fields to store: only those typed or cleared (the rest are kept)."""
        values = {}
        for name in PersonalField.values:
            if self.cleaned_data.get(f"clear_{name}"):
                values[name] = ""
            elif self.cleaned_data.get(name):
                values[name] = self.cleaned_data[name]
        return values


class RevealForm(StyledFormMixin, forms.Form):
    """查看完整信息: which field, and why (written to the audit log with the reveal)."""

    field = forms.ChoiceField(label="查看哪一项", choices=PersonalField.choices)
    purpose = forms.CharField(
        label="查看目的",
        max_length=200,
        help_text="如：约定下周走访时间。将与本次查看一并记入审计日志。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, contact=None, **kwargs):
        super().__init__(*args, **kwargs)
        filled = [(name, label) for name, label in PersonalField.choices if contact and getattr(contact, name)]
        self.fields["field"].choices = filled

    def clean_purpose(self):
        purpose = " ".join(self.cleaned_data["purpose"].split())
        if len(purpose) < 2:
            raise ValidationError("请写明查看目的。")
        return purpose


class SubjectRequestForm(StyledFormMixin, forms.Form):
    """A data subject's request (导出本人信息、删除本人信息): what they asked, for the log."""

    request_note = forms.CharField(
        label="请求说明",
        max_length=200,
        help_text="如：本人于 5 月 3 日来电要求删除。请勿在此填写手机号等个人信息。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    confirm = forms.BooleanField(label="我已核实请求来自本人")


class MergeForm(StyledFormMixin, forms.Form):
    """Which of two records of one firm survives, and why they are one (for the log)."""

    keep = forms.ChoiceField(label="保留哪一条", widget=forms.RadioSelect)
    reason = forms.CharField(label="合并说明", max_length=200, help_text="如：同一企业的两种写法，信用代码一致。")
    confirm = forms.BooleanField(label="我已核对，两条记录是同一家企业；合并后不能撤销")

    def __init__(self, *args, pair=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(str(company.pk), company.name) for company in pair or ()]


class InteractionForm(StyledFormMixin, forms.ModelForm):
    """A meeting with a firm or person. The company is typed by name or credit code (a
    dropdown of a province's companies would be 200,000 options) and must already be in
    the registry; their participants are the contacts of that company the user may see."""

    company_name = forms.CharField(
        label="企业", required=False, max_length=200, help_text="企业名称或统一社会信用代码；走访乡贤等个人可不填。"
    )
    project_code = forms.CharField(label="相关项目编号", required=False, max_length=40)

    class Meta:
        model = Interaction
        fields = [
            "kind",
            "date",
            "contacts",
            "our_people",
            "our_people_text",
            "leader_level",
            "content",
            "requests",
            "next_step",
            "next_contact_on",
            "received_by",
            "sites_seen",
        ]
        widgets = {
            "date": date_picker(),
            "next_contact_on": date_picker(),
            "content": forms.Textarea(attrs={"rows": 4}),
            "requests": forms.Textarea(attrs={"rows": 2}),
            "contacts": forms.CheckboxSelectMultiple,
            "our_people": forms.CheckboxSelectMultiple,
        }

    field_order = ["kind", "date", "company_name", "contacts", "our_people", "our_people_text", "leader_level"]

    def __init__(self, *args, user=None, company=None, contact=None, **kwargs):
        super().__init__(*args, **kwargs)
        from zhaoshang.accounts.models import User

        self.user = user
        stored = self.instance
        company = company or (stored.company if stored.company_id else None)
        if self.is_bound and self.data.get("company_name"):
            company = find_company(self.data["company_name"]) or company
        if company is not None:
            self.initial.setdefault("company_name", company.name)
        if stored.project_id:
            self.initial.setdefault("project_code", stored.project.code)
        shown = Q(company=company) if company is not None else Q(pk__in=[])
        if contact is not None:
            shown |= Q(pk=contact.pk)
            self.initial.setdefault("contacts", [contact.pk])
        if stored.pk:
            shown |= Q(pk__in=stored.contacts.values("pk"))
        self.fields["contacts"].queryset = Contact.objects.restrict(user).filter(shown).order_by("name")
        colleagues = User.objects.restrict(user).filter(is_active=True)
        if user is not None and user.unit_id:
            colleagues = colleagues.filter(unit__path__startswith=user.unit.path)
        self.fields["our_people"].queryset = colleagues.order_by("unit__path", "username")
        if not stored.pk and user is not None:
            self.initial.setdefault("our_people", [user.pk])
        self.fields["leader_level"].choices = LeaderLevel.choices
        self.fields["received_by"].help_text = "来访接待时填写：我方哪些人员接待。"
        self.fields["sites_seen"].help_text = "来访接待、考察时填写：看了哪些园区、地块、企业。"

    def clean_company_name(self):
        text = (self.cleaned_data.get("company_name") or "").strip()
        if not text:
            return None
        company = find_company(text)
        if company is None:
            raise ValidationError("企业库中没有这家企业：请核对名称，或先在企业库中新增。")
        return company

    def clean_project_code(self):
        code = (self.cleaned_data.get("project_code") or "").strip()
        if not code:
            return None
        Project = Interaction._meta.get_field("project").related_model
        project = Project.objects.restrict(self.user).filter(code=code).first()
        if project is None:
            raise ValidationError("没有找到您可查看的该编号项目。")
        return project

    def clean(self):
        data = super().clean()
        if not data.get("company_name") and not data.get("contacts") and not self.errors:
            raise ValidationError("请填写企业，或勾选对方人员。")
        if data.get("date") and data.get("next_contact_on") and data["next_contact_on"] < data["date"]:
            self.add_error("next_contact_on", "下次联系日期不能早于本次日期。")
        return data


class IntermediaryForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Intermediary
        fields = ["name", "kind", "home_division", "regions", "sectors", "address", "website", "remarks"]
        widgets = {"remarks": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Provinces and prefectures: 上海、深圳 for a 异地商会 there.
        self.fields["home_division"].queryset = (
            Division.objects.restrict(user).filter(level__lte=DivisionLevel.PREFECTURE).order_by("code")
        )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("请填写机构名称。")
        return name


class AgreementForm(StyledFormMixin, forms.ModelForm):
    fee_amount = TypedDecimalField(
        label="约定费用（万元）", required=False, max_digits=18, decimal_places=4, min_value=0
    )

    class Meta:
        model = PromotionAgreement
        fields = ["title", "scope", "start_on", "end_on", "fee_terms", "reward_terms", "fee_amount", "results"]
        widgets = {
            "start_on": date_picker(),
            "end_on": date_picker(),
            "scope": forms.Textarea(attrs={"rows": 2}),
            "fee_terms": forms.Textarea(attrs={"rows": 2}),
            "reward_terms": forms.Textarea(attrs={"rows": 2}),
            "results": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        if data.get("start_on") and data.get("end_on") and data["end_on"] < data["start_on"]:
            self.add_error("end_on", "截止日期不能早于起始日期。")
        return data
