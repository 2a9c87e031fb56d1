from django import forms

from zhaoshang.api.choices import ALL_SCOPES, EXPIRY_CHOICES, ScopeApp, scope_label
from zhaoshang.core.choices import Action
from zhaoshang.core.forms import StyledFormMixin
from zhaoshang.core.once import OneTimeTokenFormMixin


def scope_choices(user) -> list[tuple[str, str]]:
    """The scopes worth giving this user's token: those their role can use at all (a
    leader's token gets no write scope, the auditor's no business data)."""
    from zhaoshang.accounts.choices import Role
    from zhaoshang.accounts.models import Unit
    from zhaoshang.alerts.models import Warning
    from zhaoshang.assessment.models import AssessmentResult
    from zhaoshang.bulletins.models import Bulletin
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.projects.models import Project
    from zhaoshang.scheduling.models import RoundItem
    from zhaoshang.stats.models import UnitMonthFact
    from zhaoshang.supervision.models import Instruction, Problem
    from zhaoshang.targets.models import Target

    models = {
        ScopeApp.UNITS: Unit,
        ScopeApp.PROJECTS: Project,
        ScopeApp.FUNDS: FundsTranche,
        ScopeApp.TARGETS: Target,
        ScopeApp.STATS: UnitMonthFact,
        ScopeApp.ALERTS: Warning,
        ScopeApp.SUPERVISION: Problem,
        ScopeApp.SCHEDULING: RoundItem,
        ScopeApp.BULLETINS: Bulletin,
        ScopeApp.ASSESSMENT: AssessmentResult,
        ScopeApp.DASHBOARD: Project,  # the dashboard's own test: who reads projects
    }
    # Where the model's rule alone does not say it: a leader, who otherwise only reads,
    # writes 批示 (supervision:write); the account list is the system admin's alone.
    special = {
        "supervision:write": lambda: (
            Problem.access.allows(user, Action.CHANGE) or Instruction.access.allows(user, Action.ADD)
        ),
        "users:read": lambda: user.role == Role.SYSADMIN,
    }
    choices = []
    for scope in ALL_SCOPES:
        app, _, level = scope.partition(":")
        action = Action.VIEW if level == "read" else Action.CHANGE
        allowed = special[scope]() if scope in special else models[ScopeApp(app)].access.allows(user, action)
        if allowed:
            choices.append((scope, scope_label(scope)))
    return choices


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
