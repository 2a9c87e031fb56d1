from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from zhaoshang.accounts.models import Unit
from zhaoshang.core.forms import StyledFormMixin, TypedDecimalField, date_picker
from zhaoshang.core.once import OneTimeTokenFormMixin
from zhaoshang.core.validators import uscc_problem
from zhaoshang.projects.choices import LIFECYCLE, FollowUpKind, Stage
from zhaoshang.projects.models import FollowUp, Project
from zhaoshang.reference.choices import DivisionLevel
from zhaoshang.reference.models import Division, Industry

DATE = date_picker()
# Amounts and areas typed as clerks write them (1,200; full-width digits).
NUMBER_FIELDS = [
    "total_investment",
    "fixed_asset_investment",
    "phase_one_investment",
    "foreign_investment_usd",
    "land_mu",
    "expected_output",
    "expected_tax",
]
PROJECT_FIELDS = [
    "name",
    "description",
    "signing_party",
    "construction_nature",
    "investment_form",
    "industry",
    "leading_industry",
    "chain_tag",
    "promotion_method",
    "headquarters_kind",
    "landing_likelihood",
    "competitor_regions",
    *NUMBER_FIELDS,
    "expected_jobs",
    "site",
    "responsible_unit",
    "landing_unit",
    "responsible_leader",
    "officer_in_charge",
    "task_team",
    "key_manual",
    "stage",
    "signed_on",
    "registered_on",
    "started_on",
    "agreed_start_on",
    "agreed_production_on",
    "lost_to_division",
    "lost_reason",
    "remarks",
]
FIELD_GROUPS = [
    (
        "基本信息",
        [
            "name",
            "investor_name",
            "investor_uscc",
            "signing_party",
            "description",
            "construction_nature",
            "investment_form",
        ],
    ),
    ("产业", ["industry", "leading_industry", "chain_tag", "promotion_method", "headquarters_kind"]),
    ("研判", ["landing_likelihood", "competitor_regions"]),
    (
        "投资情况（万元）",
        [*NUMBER_FIELDS, "expected_jobs"],
    ),
    (
        "责任落实",
        [
            "responsible_unit",
            "landing_unit",
            "site",
            "responsible_leader",
            "officer_in_charge",
            "task_team",
            "key_manual",
        ],
    ),
    (
        "进展",
        ["stage", "signed_on", "registered_on", "started_on", "agreed_start_on", "agreed_production_on", "remarks"],
    ),
    ("流失情况（退库项目填写）", ["lost_to_division", "lost_reason"]),
]


class ProjectForm(OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    """Create or edit a project. The investor is typed by name (and credit code); the
    view finds or creates the company inside the saving transaction."""

    investor_name = forms.CharField(
        label="投资方", max_length=200, required=False, help_text="企业全称；已签约项目必填。"
    )
    investor_uscc = forms.CharField(
        label="统一社会信用代码", max_length=18, required=False, help_text="18 位，境外企业可不填。"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        field_classes = dict.fromkeys(NUMBER_FIELDS, TypedDecimalField)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "remarks": forms.Textarea(attrs={"rows": 2}),
            **{
                name: DATE
                for name in ("signed_on", "registered_on", "started_on", "agreed_start_on", "agreed_production_on")
            },
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.restrict(user).filter(active=True).order_by("path")
        if user is not None and user.role == "officer":
            units = units.filter(path__startswith=user.unit.path)
        self.fields["responsible_unit"].queryset = units
        self.fields["landing_unit"].queryset = Unit.objects.restrict(user).filter(active=True).order_by("path")
        # Provinces and prefectures: where a lost project went, for the 流失去向 count.
        self.fields["lost_to_division"].queryset = (
            Division.objects.restrict(user).filter(level__lte=DivisionLevel.PREFECTURE).order_by("code")
        )
        self.fields["industry"].queryset = Industry.objects.filter(level=2).order_by("code")
        # A project's stage moves through stage claims after creation, not by editing.
        self.fields["stage"].choices = [(stage.value, stage.label) for stage in LIFECYCLE]
        if self.instance.pk:
            self.fields["stage"].disabled = True
            self.fields["stage"].help_text = "阶段通过「推进阶段」填报并经招商局审核。"
            investor = self.instance.investor
            self.fields["investor_name"].initial = investor.name if investor else ""
            self.fields["investor_uscc"].initial = investor.uscc if investor else ""
            self.fields["version"].initial = self.instance.version

    def clean_investor_uscc(self):
        code = self.cleaned_data["investor_uscc"].strip().upper()
        if code:
            problem = uscc_problem(code)
            if problem:
                raise ValidationError(f"统一社会信用代码{problem}。")
        return code

    def grouped(self):
        return [(title, [self[name] for name in names if name in self.fields]) for title, names in FIELD_GROUPS]


# The stage menu's value for a supplementary agreement (补充协议): a signing that adds to
# the first one and never counts as a new signing.
SUPPLEMENTARY = "supplementary"


class StageClaimForm(OneTimeTokenFormMixin, StyledFormMixin, forms.Form):
    stage = forms.ChoiceField(label="推进到", choices=[])
    date = forms.DateField(label="日期", widget=DATE)
    # Only a signing has an amount; the page shows the field for 签约 alone (stage_claim.js).
    amount = TypedDecimalField(
        label="签约金额（万元）",
        required=False,
        max_digits=18,
        decimal_places=4,
        min_value=Decimal(0),
        help_text="仅签约时填写",
    )
    is_supplementary = forms.BooleanField(label="补充协议", required=False, help_text="补充协议不重复计入签约")
    note = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="退库、暂缓须说明原因"
    )
    evidence = forms.FileField(
        label="证明材料",
        required=False,
        help_text="协议、营业执照、施工许可证、现场照片、银行凭证等；PDF、图片或 Office 文件。",
    )

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        from zhaoshang.projects.services import returned_claims

        returned = returned_claims(project) if project is not None and project.pk else {}
        order = LIFECYCLE.index(project.stage) if project and project.stage in LIFECYCLE else -1
        # A returned claim comes first: correcting it is what the unit has to do next.
        again = [(stage, f"{Stage(stage).label}（重新填报，上次被退回）") for stage in LIFECYCLE if stage in returned]
        later = [(stage.value, stage.label) for stage in LIFECYCLE[order + 1 :] if stage not in returned]
        self.fields["stage"].choices = [
            *again,
            *later,
            (SUPPLEMENTARY, "签约（补充协议）"),
            (Stage.ON_HOLD.value, "暂缓"),
            (Stage.DROPPED.value, "退库"),
        ]
        if again and not self.is_bound:
            # Start the correction from what was returned: usually one field is wrong.
            returned_event = returned[again[0][0]]
            self.initial.setdefault("stage", returned_event.stage)
            self.initial.setdefault("date", returned_event.date)
            self.initial.setdefault("amount", returned_event.amount)
            self.initial.setdefault("note", returned_event.note)

    def clean(self):
        data = super().clean()
        if data.get("stage") == SUPPLEMENTARY:
            data["stage"] = Stage.SIGNED.value
            data["is_supplementary"] = True
        return data


class FollowUpForm(OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["date", "kind", "participants", "content", "investor_requests", "next_step", "next_contact_on"]
        widgets = {
            "date": DATE,
            "next_contact_on": DATE,
            "content": forms.Textarea(attrs={"rows": 3}),
            "investor_requests": forms.Textarea(attrs={"rows": 2}),
            "next_step": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = FollowUpKind.choices


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="退回原因", max_length=300)

    def problem(self) -> str | None:
        """Why the typed reason cannot be stored (too long, control characters), or None.
        A blank reason is left to the service, which says 退回须说明原因."""
        if self.is_valid() or not self.data.get("reason", "").strip():
            return None
        return "退回原因" + "；".join(self.errors["reason"])


class BulkEditForm(StyledFormMixin, forms.Form):
    ids = forms.CharField(widget=forms.HiddenInput)
    responsible_unit = forms.ModelChoiceField(
        label="责任单位", queryset=Unit.objects.none(), required=False, empty_label="（不修改）"
    )
    responsible_leader = forms.CharField(label="责任领导", max_length=50, required=False, help_text="留空则不修改")
    leading_industry = forms.CharField(label="主导产业", max_length=50, required=False, help_text="留空则不修改")
    chain_tag = forms.CharField(label="产业链", max_length=50, required=False, help_text="留空则不修改")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.restrict(user).filter(active=True).order_by("path")
        if user is not None and user.role == "officer":
            units = units.filter(path__startswith=user.unit.path)
        self.fields["responsible_unit"].queryset = units

    def clean_ids(self):
        try:
            return [int(part) for part in self.cleaned_data["ids"].split(",") if part.strip()]
        except ValueError:
            raise ValidationError("所选项目有误，请重新勾选。") from None


class CreditShareForm(StyledFormMixin, forms.Form):
    """One row of a project's credit shares (业绩归属)."""

    unit = forms.ModelChoiceField(label="计入单位", queryset=Unit.objects.none(), empty_label="（选择单位）")
    percent = forms.DecimalField(
        label="比例（%）",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        error_messages={"min_value": "比例须大于 0。", "max_value": "比例不能超过 100%。"},
    )
    reason = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()


class BaseCreditShareFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = [form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if not rows:
            raise ValidationError("至少需要一个计入单位。")
        units = [row["unit"].pk for row in rows]
        if len(set(units)) != len(units):
            raise ValidationError("同一单位不能重复出现。")
        total = sum((row["percent"] for row in rows), Decimal(0))
        if total != Decimal(100):
            raise ValidationError(f"各单位比例之和须为 100%，当前为 {total.normalize():f}%。")


CreditShareFormSet = forms.formset_factory(
    CreditShareForm, formset=BaseCreditShareFormSet, extra=2, can_delete=True, max_num=20, validate_max=True
)
