from django import forms

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import Unit, User
from zhaoshang.core.forms import StyledFormMixin, date_picker
from zhaoshang.core.once import OneTimeTokenFormMixin
from zhaoshang.supervision.choices import ProblemStatus, Satisfaction
from zhaoshang.supervision.models import Instruction, Problem

DATE = date_picker()
TIME_LIMIT_HELP = "写「5 个工作日」（按节假日和调休安排计算，提出当天不计），或直接填写截止日期，如 2025-10-10。"


def leaders_for(user):
    """Leader accounts the user may pick (their own organisation view decides)."""
    return User.objects.restrict(user).filter(role=Role.LEADER, is_active=True).order_by("name", "username")


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name or obj.username


class ProblemForm(OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    """A problem as the unit writes it on the 问题清单."""

    time_limit = forms.CharField(label="办理时限", max_length=40, help_text=TIME_LIMIT_HELP)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Problem
        fields = [
            "category",
            "description",
            "raised_on",
            "time_limit",
            "responsible_unit",
            "responsible_leader",
            "responsible_leader_name",
        ]
        widgets = {"raised_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"responsible_leader": LeaderChoiceField}

    def __init__(self, *args, user=None, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "请选择"), *self.fields["category"].choices[1:]]
        # The user's own units, plus the project's, so the default is always offered.
        units = Unit.objects.restrict(user).filter(active=True)
        if project is not None:
            own = [pk for pk in (project.responsible_unit_id, project.landing_unit_id) if pk]
            units = units | Unit.objects.filter(pk__in=own)
        self.fields["responsible_unit"].queryset = units.order_by("path")
        self.fields["responsible_unit"].required = False  # the service defaults to the project's
        self.fields["responsible_unit"].empty_label = "（项目的责任单位）"
        self.fields["responsible_unit"].help_text = "默认为项目的责任单位。"
        self.fields["responsible_leader"].queryset = leaders_for(user)
        self.fields["responsible_leader"].empty_label = "（不指定账号）"
        self.fields["responsible_leader"].help_text = "选择领导账号后，逾期升级时问题会出现在该领导的首页。"
        self.fields["responsible_leader_name"].help_text = "没有账号的领导，填写姓名和职务即可。"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            if not self.is_bound:
                days = self.instance.working_days
                self.initial["time_limit"] = f"{days} 个工作日" if days else self.instance.deadline.strftime("%Y-%m-%d")


class NoteForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    text = forms.CharField(label="办理进展", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CloseForm(StyledFormMixin, forms.Form):
    satisfaction = forms.ChoiceField(label="企业满意度", choices=Satisfaction.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="办结情况",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="问题如何解决、企业的意见。",
    )
    date = forms.DateField(label="办结日期", widget=DATE)


class ReopenForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label="重新打开原因", max_length=300)
    time_limit = forms.CharField(
        label="新的办理时限", max_length=40, required=False, help_text="可不填（沿用原期限）；从今天起算。"
    )


class InstructionForm(OneTimeTokenFormMixin, StyledFormMixin, forms.ModelForm):
    """A leader's instruction; the bureau records it naming the leader."""

    class Meta:
        model = Instruction
        fields = ["problem", "leader", "leader_name", "text", "written_on"]
        widgets = {"written_on": DATE, "text": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"leader": LeaderChoiceField}

    def __init__(self, *args, user=None, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        problems = Problem.objects.restrict(user).filter(project=project) if project else Problem.objects.none()
        self.fields["problem"].queryset = problems.order_by("status", "deadline")
        self.fields["problem"].empty_label = "（针对整个项目）"
        self.fields["problem"].label_from_instance = lambda p: (
            f"{p.get_category_display()}：{p.description[:30]}{'（已办结）' if p.status == ProblemStatus.CLOSED else ''}"
        )
        if user is not None and user.role == Role.LEADER:
            del self.fields["leader"]
            del self.fields["leader_name"]
        else:
            self.fields["leader"].queryset = leaders_for(user)
            self.fields["leader"].empty_label = "（按姓名填写）"
            self.fields["leader_name"].help_text = "领导没有账号时填写姓名和职务。"


class ReplyForm(StyledFormMixin, forms.Form):
    reply_text = forms.CharField(label="落实情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    replied_on = forms.DateField(label="回复日期", widget=DATE)
