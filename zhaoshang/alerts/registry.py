"""The registry of warning kinds: kind → label, settings, evaluator.

An evaluator is a function ``evaluate(rule, today) -> Iterable[Finding]`` that returns the
warnings that hold *now* (as of ``today``), computed with a few set-based queries. The scan
(``services.scan``) compares them with the open warnings of that kind: new causes become
new warnings, a changed level or message updates the warning, and an open warning whose
cause is no longer found is cleared. Evaluators therefore never write anything.

Adding a kind from another app (问题逾期 and 调度未报送 at the end of ``rules.py`` are written
this way over the supervision and scheduling apps' data). For example, a later 一企一策 app::

    # zhaoshang/incentives/warnings.py, imported from IncentivesConfig.ready()
    from zhaoshang.alerts.registry import Finding, RuleKind, register

    def obligations_missed(rule, today):
        # one query: obligations past their date and not met
        rows = Obligation.objects.filter(met_on__isnull=True, due_on__lt=today).values_list(
            "pk", "agreement__project__responsible_unit_id", "agreement__project_id", "due_on", "text")
        for pk, unit_id, project_id, due_on, text in rows:
            late = (today - due_on).days
            yield Finding(Obligation, pk, unit_id, "red" if late > rule.red_threshold else "yellow",
                          f"企业承诺「{text}」应于 {due_on:%Y-%m-%d} 前完成", due_on + timedelta(days=1),
                          project_id=project_id)

    register(RuleKind(
        kind="obligation_missed", label="企业承诺未履约", order=70, evaluate=obligations_missed,
        description="一企一策协议中企业的承诺到期未履行。",
        fields={"red_threshold": "逾期超过多少天为红色预警（天）"},
        defaults={"red_threshold": 30},
    ))

The bureau's rule row for the new kind is created with ``defaults`` the next time the rule
page is opened or a scan runs (``services.ensure_rules``); no migration is needed.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True, slots=True)
class Finding:
    """One warning as an evaluator finds it today."""

    subject_model: type[models.Model]  # what it is about: Project, Problem, …
    subject_id: int
    unit_id: int  # the responsible unit (scope and filters)
    level: str  # WarningLevel
    message: str  # Chinese, shown as is; keep it stable from day to day (no "已 N 天")
    since: datetime.date  # the first day the condition held
    project_id: int | None = None  # the project it concerns, if any (badges)
    key: str = ""  # tells apart several causes of one kind on one subject


# The rule fields a kind may use (WarningRule columns). ``stage_limits`` is edited stage by stage.
RULE_FIELDS = ("yellow_threshold", "red_threshold", "plan_days", "stage_limits")


@dataclass(frozen=True)
class RuleKind:
    kind: str  # stored in WarningRule.kind and Warning.kind
    label: str  # Chinese name shown everywhere
    description: str  # the rule in one Chinese sentence (rule page, list tooltip)
    evaluate: Callable[..., Iterable[Finding]]
    fields: dict[str, str]  # rule fields this kind uses → the label shown on the edit form
    defaults: dict = field(default_factory=dict)  # initial values of those fields (and "enabled")
    validate: Callable[..., dict[str, str]] | None = None  # rule → {field: Chinese message}
    order: int = 100  # position on the rule page and in the filters


_KINDS: dict[str, RuleKind] = {}


def register(kind: RuleKind) -> RuleKind:
    """Add (or replace, e.g. on reload) a kind. Returns it, so it can be kept as a constant."""
    unknown = set(kind.fields) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"{kind.kind}: unknown rule fields {sorted(unknown)}")
    _KINDS[kind.kind] = kind
    return kind


def get_kind(kind: str) -> RuleKind | None:
    return _KINDS.get(kind)


def all_kinds() -> list[RuleKind]:
    return sorted(_KINDS.values(), key=lambda spec: (spec.order, spec.kind))


def kind_choices() -> list[tuple[str, str]]:
    return [(spec.kind, spec.label) for spec in all_kinds()]
