"""Pages of referrals (引荐), the bureau's reward rules, 引荐奖励 and payouts (奖励兑现), on the
generic views. Thin: reads through restrict(), writes through leads.referrals."""

from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhaoshang.core import generic
from zhaoshang.core.choices import Action
from zhaoshang.core.columns import Column, Columns
from zhaoshang.leads import referrals as services
from zhaoshang.leads.filtersets import ReferralFilterSet
from zhaoshang.leads.forms import PayoutForm, ReferralForm, RewardRuleForm
from zhaoshang.leads.models import Payout, Referral, RewardRule
from zhaoshang.projects.models import Project

SOURCES = ("intermediary", "contact", "company", "colleague", "source_unit")


def _source_cell(referral) -> str:
    return escape(referral.source_name)


REFERRAL_COLUMNS = Columns(
    Referral,
    Column("project__name", label="项目", link=True, required=True),
    Column("source_kind"),
    Column("source", label="引荐方", value=lambda r: r.source_name, html=_source_cell, select=SOURCES, sort=False),
    Column("referred_on"),
    Column("project__responsible_unit__name", label="责任单位", sort="project__responsible_unit__path"),
    Column("project__verified_stage", label="当前阶段（已审核）"),
    Column("is_primary", default=False),
    Column("referrer_is_official", label="公职人员/工作人员", default=False),
)


class ReferralPages:
    model = Referral
    list_url, detail_url, edit_url, delete_url = (
        "leads:referral_list",
        "leads:referral_detail",
        "leads:referral_edit",
        "leads:referral_delete",
    )
    select_related = ("project", "project__responsible_unit", *SOURCES)


class ReferralList(ReferralPages, generic.ObjectListView):
    columns, filterset_class, ordering = REFERRAL_COLUMNS, ReferralFilterSet, ("-referred_on", "-id")
    template_name = "leads/referral_list.html"
    title = "项目引荐"
    subtitle = "谁把项目带来：中介机构、乡贤、客商、本地企业（以商招商）、同事或其他单位。"
    empty_title = "没有符合条件的引荐记录"

    def get_extra_context(self) -> dict:
        _, rows, _ = self.filtered(Action.VIEW)
        return {"conversion": services.referral_conversion(rows)}


class ReferralDetail(ReferralPages, generic.ObjectDetailView):
    template_name, context_object_name = "leads/referral_detail.html", "referral"

    def get_extra_context(self, referral):
        user = self.request.user
        return {
            "eligibility": services.reward_eligibility(referral),
            "payouts": Payout.objects.restrict(user).filter(referral=referral),
            "can_pay": self.can(Action.CHANGE, referral) and user.role in ("bureau", "officer"),
            "can_open_project": Project.objects.restrict(user).filter(pk=referral.project_id).exists(),
        }


class ReferralEdit(ReferralPages, generic.ObjectEditView):
    form_class = ReferralForm
    title_create = "登记引荐来源"

    @property
    def creating(self) -> bool:
        return "project_pk" in self.kwargs

    def new_object(self):
        rows = Project.objects.restrict(self.request.user, Action.CHANGE).filter(merged_into__isnull=True)
        project = get_object_or_404(rows, pk=self.kwargs["project_pk"])
        return Referral(project=project, is_primary=not project.referrals.filter(is_primary=True).exists())

    def get_form_kwargs(self, obj):
        return {"instance": obj, "user": self.request.user}

    def save(self, form, referral, expected_version):
        return services.save_referral(self.request.user, form.save(commit=False), expected_version=expected_version)

    def success_message(self, referral):
        return f"已登记「{referral.project.name}」的引荐来源：{referral.source_name}。"


class ReferralDelete(ReferralPages, generic.ObjectDeleteView):
    def success_url(self, referral):
        return self.url("leads:referral_list")


# --- 引荐奖励: each referral's eligibility --------------------------------------------------------------


def _eligibility_cell(referral) -> str:
    found = referral.eligibility
    badge = (
        '<span class="badge bg-green-lt">符合</span>'
        if found.eligible
        else '<span class="badge bg-secondary-lt">不符合</span>'
    )
    return f'{badge}<div class="small text-secondary">{escape(found.summary)}</div>'


REWARD_COLUMNS = Columns(
    Referral,
    Column("project__name", label="项目", link=True, required=True),
    Column("source_kind"),
    Column("source", label="引荐方", value=lambda r: r.source_name, html=_source_cell, select=SOURCES, sort=False),
    Column("referred_on"),
    Column("eligible", label="奖励资格", value=lambda r: r.eligibility.summary, html=_eligibility_cell, sort=False),
    Column("reward", label="应奖励（万元）", value=lambda r: r.eligibility.amount, sort=False),
    Column("project__responsible_unit__name", label="责任单位", default=False),
)


class RewardList(ReferralPages, generic.ObjectListView):
    columns, filterset_class, ordering = REWARD_COLUMNS, ReferralFilterSet, ("-referred_on", "-id")
    title = "引荐奖励"
    subtitle = "按招商局的引荐奖励规则逐条判断：哪条规则、为什么符合或不符合、应奖励多少。"
    list_key = "leads:reward_list"

    def decorate(self, rows):
        rules = list(RewardRule.objects.order_by("pk"))
        for referral in rows:
            referral.eligibility = services.reward_eligibility(referral, rules)


# --- The bureau's reward rules ---------------------------------------------------------------------------

RULE_COLUMNS = Columns(
    RewardRule,
    Column("name", link=True, required=True),
    Column("source_kinds", value=lambda rule: rule.source_kind_labels, sort=False),
    Column("condition"),
    Column("amount_kind"),
    Column("amount"),
    Column("active_from"),
    Column("active_to"),
)


class RulePages:
    model = RewardRule
    list_url, detail_url, edit_url, delete_url, create_url = (
        "leads:rule_list",
        "leads:rule_detail",
        "leads:rule_edit",
        "leads:rule_delete",
        "leads:rule_create",
    )


class RuleList(RulePages, generic.ObjectListView):
    columns, filterset_class, ordering = RULE_COLUMNS, None, ("-active_from", "name", "id")
    title, add_label = "引荐奖励规则", "新增规则"
    subtitle = (
        "招商局制定：适用的引荐来源、奖励条件、奖励金额和有效期；公职人员、工作人员及同事、其他单位的引荐不奖励。"
    )


class RuleDetail(RulePages, generic.ObjectDetailView):
    fields = (
        "name",
        ("适用引荐来源", lambda rule: rule.source_kind_labels),
        "condition",
        "within_days",
        "min_funds",
        "amount_kind",
        "amount",
        "active_from",
        ("失效日期", lambda rule: rule.active_to or "长期有效"),
        "note",
    )


class RuleEdit(RulePages, generic.ObjectEditView):
    form_class = RewardRuleForm


class RuleDelete(RulePages, generic.ObjectDeleteView):
    pass


# --- Payouts (奖励兑现) ----------------------------------------------------------------------------------


class PayoutPages:
    model = Payout
    detail_url, edit_url = "leads:payout_detail", "leads:payout_edit"
    select_related = ("referral", "project", "project__responsible_unit", "submitted_by", "verified_by")


class PayoutDetail(PayoutPages, generic.ObjectDetailView):
    template_name, context_object_name = "leads/payout_detail.html", "payout"

    def get_extra_context(self, payout):
        user = self.request.user
        return {
            "can_change": payout.editable and self.can(Action.CHANGE, payout),
            "can_verify": payout.is_waiting and self.can(Action.VERIFY, payout),
            "can_return": payout.status != "returned" and self.can(Action.VERIFY, payout),
            "can_open_referral": Referral.objects.restrict(user).filter(pk=payout.referral_id).exists(),
        }


class PayoutEdit(PayoutPages, generic.ObjectEditView):
    form_class = PayoutForm
    title_create = "登记引荐奖励兑现"

    @property
    def creating(self) -> bool:
        return "referral_pk" in self.kwargs

    def new_object(self):
        rows = Referral.objects.restrict(self.request.user, Action.CHANGE).select_related("project")
        referral = get_object_or_404(rows, pk=self.kwargs["referral_pk"])
        return Payout(referral=referral, project=referral.project)

    def get_object(self, action=None):
        payout = super().get_object(action)
        if not payout.editable:
            raise PermissionDenied("已审核通过的奖励兑现不能修改。")
        return payout

    def save(self, form, payout, expected_version):
        payout = form.save(commit=False)
        if payout.pk is None:
            return services.record_payout(self.request.user, payout.referral, payout)
        return services.update_payout(self.request.user, payout, expected_version=expected_version or 0)

    def get_extra_context(self, form, payout):
        # Back to the referral the payout is for (payouts have no list of their own).
        return {"cancel_href": reverse("leads:referral_detail", args=[payout.referral_id])}

    def success_message(self, payout):
        return f"已登记奖励兑现 {payout.amount.normalize():f} 万元，等待招商局审核。"


def _decide(request, pk, decide, success):
    payout = get_object_or_404(Payout.objects.restrict(request.user).select_related("project"), pk=pk)
    try:
        decide(payout)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, success)
    return redirect("leads:payout_detail", pk=payout.pk)


@login_required
@require_POST
def payout_verify(request, pk):
    return _decide(request, pk, lambda p: services.verify_payout(request.user, p), "已审核通过。")


@login_required
@require_POST
def payout_return(request, pk):
    reason = request.POST.get("reason", "")
    return _decide(request, pk, lambda p: services.return_payout(request.user, p, reason), "已退回，等待填报单位修改。")
