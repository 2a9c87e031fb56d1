"""Referrals (引荐): who brought a project, the bureau's reward rules (引荐奖励规则), each
referral's eligibility explained in Chinese, payouts (奖励兑现) verified like tranches, and
the referrals' conversion figure. Kept beside handovers and the pool in the leads app
(``leads.services`` re-exports what other modules call)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.models import User
from zhaoshang.core.access import scope_unit_ids
from zhaoshang.core.choices import Action, Verification
from zhaoshang.core.roles import BUSINESS_ROLES, Role
from zhaoshang.core.verification import return_for_correction, verify
from zhaoshang.leads.choices import (
    NEVER_REWARDED,
    SOURCE_FIELD,
    RewardAmountKind,
    RewardCondition,
    SourceKind,
)
from zhaoshang.leads.models import Payout, Referral, RewardRule
from zhaoshang.projects.choices import STAGE_ORDER, Stage
from zhaoshang.projects.models import Project, StageEvent
from zhaoshang.relations.choices import ContactKind, LocalStatus
from zhaoshang.relations.models import Company, Contact, Intermediary

HUNDRED = Decimal(100)
YUAN = Decimal("0.0001")  # 万元 to the 元
SOURCE_FIELDS = tuple(dict.fromkeys(SOURCE_FIELD.values()))
CONTACT_KINDS = {SourceKind.NOTABLE: ContactKind.NOTABLE, SourceKind.INVESTOR: ContactKind.INVESTOR}


# --- What a referral may name -------------------------------------------------------------------------


def intermediaries_for(user):
    return Intermediary.objects.restrict(user).order_by("name", "pk")


def contacts_for(user):
    """乡贤 and 客商 the user may see (their keeping subtree's, or all for the bureau)."""
    return Contact.objects.restrict(user).filter(kind__in=CONTACT_KINDS.values()).order_by("name", "pk")


def local_firms_for(user):
    """Firms already settled here (存量企业): 以商招商 is their bringing in partners."""
    return (
        Company.objects.restrict(user)
        .filter(local_status=LocalStatus.LOCAL, merged_into__isnull=True)
        .order_by("name", "pk")
    )


def colleagues_for(user):
    """Active business users of the recorder's own subtree (the bureau: of every unit)."""
    users = User.objects.filter(is_active=True, role__in=BUSINESS_ROLES)
    if user.role != Role.BUREAU:
        users = users.filter(unit_id__in=scope_unit_ids(user))
    return users.order_by("unit__path", "username")


def _check_source(user, referral: Referral) -> dict:
    """The one source the kind names, set; the others cleared. Problems keyed by field."""
    kind = referral.source_kind
    if kind not in SourceKind.values:
        return {"source_kind": "请选择引荐来源。"}
    wanted = SOURCE_FIELD[kind]
    for name in SOURCE_FIELDS:
        if name != wanted:
            setattr(referral, name, "" if name == "source_text" else None)
    value = getattr(referral, wanted)
    label = SourceKind(kind).label
    if value in (None, ""):
        what = "说明引荐来源" if wanted == "source_text" else f"选择{Referral._meta.get_field(wanted).verbose_name}"
        return {wanted: f"引荐来源为「{label}」时，请{what}。"}
    if wanted == "intermediary" and not intermediaries_for(user).filter(pk=value.pk).exists():
        return {wanted: "请选择名录中的中介机构。"}
    if wanted == "contact":
        if not Contact.objects.restrict(user).filter(pk=value.pk).exists():
            return {wanted: "请选择您有权查看的联系人。"}
        if value.kind != CONTACT_KINDS[kind]:
            return {wanted: f"所选联系人不是「{label}」，请核对联系人类别或引荐来源。"}
    if wanted == "company" and not local_firms_for(user).filter(pk=value.pk).exists():
        return {wanted: "以商招商的引荐企业须为已落户本地的存量企业。"}
    if wanted == "colleague" and not colleagues_for(user).filter(pk=value.pk).exists():
        return {wanted: "请选择本单位（或下级单位）的同事。"}
    if wanted == "source_unit" and not value.active:
        return {wanted: "该单位已停用。"}
    return {}


@transaction.atomic
def save_referral(user, referral: Referral, *, expected_version: int | None = None) -> Referral:
    """Record or correct who brought a project. The project must be one the user may change;
    a project has at most one primary referral."""
    if user.role not in (Role.BUREAU, Role.OFFICER):
        raise PermissionDenied("只有招商局和单位填报员可以登记引荐。")
    if not Project.objects.restrict(user, Action.CHANGE).filter(pk=referral.project_id).exists():
        raise PermissionDenied("该项目不在您的管理范围内。")
    problems = _check_source(user, referral)
    if referral.referred_on and referral.referred_on > timezone.localdate():
        problems["referred_on"] = "引荐日期不能晚于今天。"
    if referral.source_kind in NEVER_REWARDED:
        referral.referrer_is_official = True  # colleagues and units are ourselves
    if problems:
        raise ValidationError(problems)
    if referral.is_primary:
        others = Referral.objects.filter(project_id=referral.project_id, is_primary=True).exclude(pk=referral.pk)
        if others.exists():
            raise ValidationError(
                {"is_primary": "该项目已有主要引荐来源；如需更换，请先取消原记录的「主要引荐来源」。"}
            )
    if referral.pk is None:
        referral.created_by = user
        referral.save()
    elif expected_version is not None:
        referral.save_versioned(expected_version)
    else:
        referral.save()
    return referral


# --- Reward eligibility ----------------------------------------------------------------------------------


@dataclass
class RuleOutcome:
    """One rule applied to one referral."""

    rule: RewardRule
    eligible: bool
    reason: str
    amount: Decimal | None = None


@dataclass
class Eligibility:
    """A referral's reward, explained: the rule that pays (if any), why, and the amount."""

    eligible: bool
    summary: str
    amount: Decimal | None = None
    rule: RewardRule | None = None
    outcomes: list[RuleOutcome] = field(default_factory=list)


def verified_production_on(project: Project) -> datetime.date | None:
    """The date of the project's first verified production claim (投产，审核通过)."""
    return (
        StageEvent.objects.filter(project=project, stage=Stage.PRODUCTION, status=Verification.VERIFIED)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )


def verified_funds(project: Project) -> Decimal:
    """Σ the project's verified tranches in 万元, exact (summed in Python: SQLite adds floats).
    Read through the reverse relation so leads need not import funds (same layer)."""
    tranches = getattr(project, "tranches", None)
    if tranches is None:
        return Decimal(0)
    return sum(tranches.filter(status=Verification.VERIFIED).values_list("amount", flat=True), Decimal(0))


def rule_applies(rule: RewardRule, referral: Referral) -> bool:
    """A rule covers the referral's source kind and is in force on the referral's date."""
    on = referral.referred_on
    in_force = rule.active_from <= on and (rule.active_to is None or on <= rule.active_to)
    return referral.source_kind in rule.source_kinds and in_force


def _wan(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value.quantize(YUAN).normalize():f}"


def _outcome(rule: RewardRule, referral: Referral, produced_on, funds: Decimal) -> RuleOutcome:
    project = referral.project
    if rule.condition == RewardCondition.IN_PRODUCTION_IN_TIME:
        days = rule.within_days or 0
        agreed = project.agreed_production_on
        if agreed is None:
            return RuleOutcome(rule, False, "项目未填写协议约定投产日期，无法判断是否按期投产。")
        if produced_on is None:
            return RuleOutcome(rule, False, f"项目尚无审核通过的投产记录（约定投产日期 {agreed:%Y-%m-%d}）。")
        deadline = agreed + datetime.timedelta(days=days)
        if produced_on > deadline:
            late = (produced_on - deadline).days
            return RuleOutcome(
                rule,
                False,
                f"审核通过的投产日期 {produced_on:%Y-%m-%d} 晚于约定投产日期 {agreed:%Y-%m-%d} 后 {days} 天"
                f"（{deadline:%Y-%m-%d}）{late} 天，不符合条件。",
            )
        reason = (
            f"审核通过的投产日期 {produced_on:%Y-%m-%d} 不晚于约定投产日期 {agreed:%Y-%m-%d} 后 {days} 天"
            f"（{deadline:%Y-%m-%d}），符合条件。"
        )
    else:
        floor = rule.min_funds or Decimal(0)
        if funds < floor:
            return RuleOutcome(
                rule, False, f"审核通过的到位资金累计 {_wan(funds)} 万元，未达到 {_wan(floor)} 万元，不符合条件。"
            )
        reason = f"审核通过的到位资金累计 {_wan(funds)} 万元，不少于 {_wan(floor)} 万元，符合条件。"
    if rule.amount_kind == RewardAmountKind.FIXED:
        amount = rule.amount
        reason += f"奖励 {_wan(amount)} 万元（固定金额）。"
    else:
        amount = (funds * rule.amount / HUNDRED).quantize(YUAN, rounding=ROUND_HALF_UP)
        reason += f"奖励 = 到位资金 {_wan(funds)} 万元 × {_wan(rule.amount)}% = {_wan(amount)} 万元。"
    return RuleOutcome(rule, True, reason, amount)


def reward_eligibility(referral: Referral, rules: list[RewardRule] | None = None) -> Eligibility:
    """Whether a referral earns a reward (docs/counting-rules.md, 引荐奖励资格): colleagues and
    units never; a referrer who is an official or our staff never; otherwise each rule in
    force for its source kind on the referral's date is tried, and the eligible rule with
    the largest amount pays (one reward per referral; ties: the older rule)."""
    if referral.source_kind in NEVER_REWARDED:
        return Eligibility(False, "同事或其他单位引荐属于本职工作，不享受引荐奖励。")
    if referral.referrer_is_official:
        return Eligibility(False, "引荐人为公职人员或本单位工作人员，按规定不享受引荐奖励。")
    if rules is None:
        rules = list(RewardRule.objects.order_by("pk"))
    applying = [rule for rule in rules if rule_applies(rule, referral)]
    if not applying:
        kind = SourceKind(referral.source_kind).label
        return Eligibility(
            False, f"没有适用于「{kind}」引荐、且在引荐日期 {referral.referred_on:%Y-%m-%d} 有效的奖励规则。"
        )
    produced_on = verified_production_on(referral.project)
    funds = verified_funds(referral.project)
    outcomes = [_outcome(rule, referral, produced_on, funds) for rule in sorted(applying, key=lambda rule: rule.pk)]
    paying = [outcome for outcome in outcomes if outcome.eligible]
    if not paying:
        return Eligibility(False, "未满足适用规则的奖励条件：" + "".join(o.reason for o in outcomes), outcomes=outcomes)
    best = max(paying, key=lambda outcome: (outcome.amount, -outcome.rule.pk))
    summary = f"符合「{best.rule.name}」：{best.reason}"
    return Eligibility(True, summary, best.amount, best.rule, outcomes)


# --- Payouts (奖励兑现) -------------------------------------------------------------------------------------


def _check_payout(payout: Payout) -> None:
    problems = {}
    if payout.amount is None or payout.amount <= 0:
        problems["amount"] = "兑现金额须大于 0。"
    if payout.paid_on and payout.paid_on > timezone.localdate():
        problems["paid_on"] = "兑现日期不能晚于今天。"
    if not (payout.evidence or "").strip():
        problems["evidence"] = "请填写兑现凭证，如财政拨付凭证号或银行回单号。"
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def record_payout(user, referral: Referral, payout: Payout) -> Payout:
    """A unit records a reward paid for a referral; it waits for the bureau's verification.
    Only an eligible referral is paid, and never more than its computed amount in all."""
    if user.role not in (Role.BUREAU, Role.OFFICER):
        raise PermissionDenied("只有招商局和单位填报员可以登记奖励兑现。")
    if not Referral.objects.restrict(user, Action.CHANGE).filter(pk=referral.pk).exists():
        raise PermissionDenied("该引荐不在您的管理范围内。")
    _check_payout(payout)
    _check_within_reward(referral, payout)
    payout.referral = referral
    payout.project_id = referral.project_id
    payout.submitted_by = user
    payout.status = Verification.SUBMITTED
    payout.save()
    return payout


def _check_within_reward(referral: Referral, payout: Payout) -> None:
    eligibility = reward_eligibility(referral)
    if not eligibility.eligible:
        raise ValidationError(f"该引荐不符合引荐奖励条件，不能登记兑现：{eligibility.summary}")
    paid = sum(
        referral.payouts.exclude(pk=payout.pk).exclude(status=Verification.RETURNED).values_list("amount", flat=True),
        Decimal(0),
    )
    if paid + payout.amount > eligibility.amount:
        raise ValidationError(
            {"amount": f"兑现合计 {_wan(paid + payout.amount)} 万元超过应奖励金额 {_wan(eligibility.amount)} 万元。"}
        )


@transaction.atomic
def update_payout(user, payout: Payout, *, expected_version: int) -> Payout:
    """Correct a payout while it waits or after it was returned (a returned one goes back to
    the bureau); a verified payout is fixed."""
    if not Payout.objects.restrict(user, Action.CHANGE).filter(pk=payout.pk).exists():
        raise PermissionDenied("该奖励兑现不在您的管理范围内。")
    stored = Payout.objects.get(pk=payout.pk)
    if stored.status == Verification.VERIFIED:
        raise ValidationError("已审核通过的奖励兑现不能修改；如需更正，请招商局先退回。")
    _check_payout(payout)
    _check_within_reward(payout.referral, payout)
    if stored.status == Verification.RETURNED:
        payout.status = Verification.SUBMITTED
    payout.save_versioned(expected_version)
    return payout


def verify_payout(user, payout: Payout) -> Payout:
    return verify(user, payout)


def return_payout(user, payout: Payout, reason: str) -> Payout:
    return return_for_correction(user, payout, reason)


# --- The referrals' conversion (引荐转化) ------------------------------------------------------------------

SIGNED_STAGES = [stage for stage, order in STAGE_ORDER.items() if order >= STAGE_ORDER[Stage.SIGNED]]
LANDED_STAGES = [stage for stage, order in STAGE_ORDER.items() if order >= STAGE_ORDER[Stage.STARTED]]


@dataclass
class ConversionRow:
    kind: str
    label: str
    referred: int = 0
    signed: int = 0
    landed: int = 0
    funded: int = 0
    funds: Decimal = Decimal(0)

    @staticmethod
    def _rate(part: int, whole: int) -> Decimal | None:
        return (Decimal(part) * HUNDRED / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if whole else None

    @property
    def signed_rate(self):
        return self._rate(self.signed, self.referred)

    @property
    def landed_rate(self):
        return self._rate(self.landed, self.referred)

    @property
    def funded_rate(self):
        return self._rate(self.funded, self.referred)


def referral_conversion(referrals) -> list[ConversionRow]:
    """引荐转化 (docs/counting-rules.md): over the given referrals (a restricted, filtered
    queryset), the projects with a PRIMARY referral of each source kind (a project once,
    live projects only), how many have a verified stage of 签约 or later, of 开工 or later
    (落地), and verified funds in place (how many, and Σ 万元 exact); the last row is 合计."""
    primary = referrals.filter(is_primary=True, project__merged_into__isnull=True).order_by()
    rows = {kind: ConversionRow(kind, str(label)) for kind, label in SourceKind.choices}
    kinds = dict(primary.values_list("project_id", "source_kind"))
    for project_id, stage in primary.values_list("project_id", "project__verified_stage"):
        row = rows[kinds[project_id]]
        row.referred += 1
        row.signed += stage in SIGNED_STAGES
        row.landed += stage in LANDED_STAGES
    funds: dict[int, Decimal] = defaultdict(Decimal)
    if "tranches" in {rel.get_accessor_name() for rel in Project._meta.related_objects}:
        verified = primary.filter(project__tranches__status=Verification.VERIFIED)
        for project_id, amount in verified.values_list("project_id", "project__tranches__amount"):
            funds[project_id] += amount
    for project_id, amount in funds.items():
        row = rows[kinds[project_id]]
        row.funded += 1
        row.funds += amount
    shown = [row for row in rows.values() if row.referred]
    total = ConversionRow("total", "合计")
    for row in shown:
        for name in ("referred", "signed", "landed", "funded", "funds"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return [*shown, total]


# --- Panels on other apps' pages (registered in LeadsConfig.ready) ----------------------------------------


def project_referrals_panel(user, project: Project) -> dict:
    """The 项目引荐 card on a project's page."""
    may_change = (
        user.role in (Role.BUREAU, Role.OFFICER)
        and not project.merged_into_id
        and Project.objects.restrict(user, Action.CHANGE).filter(pk=project.pk).exists()
    )
    rows = Referral.objects.restrict(user).filter(project=project)
    return {
        "project_id": project.pk,
        "referrals": list(rows.select_related(*SOURCE_FIELDS[:-1])[:20]),
        "can_add": may_change,
    }


def _source_panel(field_name: str):
    """The projects a company, contact or intermediary brought, those the reader may see."""

    def panel(user, source) -> dict:
        rows = Referral.objects.restrict(user).filter(**{field_name: source})
        return {"referrals": list(rows.select_related("project", "project__responsible_unit")[:50])}

    return panel


company_referrals_panel = _source_panel("company")
contact_referrals_panel = _source_panel("contact")
intermediary_referrals_panel = _source_panel("intermediary")


def withdrawal_refusal(project: Project) -> str:
    """A project whose referral reward was paid out keeps its history (projects asks)."""
    if Payout.objects.filter(project=project).exists():
        return "该项目已登记引荐奖励兑现，不能撤回。"
    return ""


def company_timeline_entries(user, company) -> list:
    """The projects a local firm brought, on its timeline (relations.timeline)."""
    from zhaoshang.relations.timeline import Entry

    rows = Referral.objects.restrict(user).filter(company=company).select_related("project")[:100]
    return [
        Entry(
            timezone.make_aware(datetime.datetime.combine(referral.referred_on, datetime.time(12))),
            "引荐",
            f"引荐项目「{referral.project.name}」",
            url=referral.get_absolute_url(),
            colour="teal",
        )
        for referral in rows
    ]
