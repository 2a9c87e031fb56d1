"""The registry of warning kinds: kind → label, settings, evaluator.

An evaluator is a function ``evaluate(rule, today) -> Iterable[Finding]`` that returns the
warnings that hold *now* (as of ``today``), computed with a few set-based queries. The scan
(``services.scan``) compares them with the open warnings of that kind: new causes become
new warnings, a changed level or message updates the warning, and an open warning whose
cause is no longer found is cleared. Evaluators therefore never write anything.

Adding a kind from another app (e.g. scheduling's 调度未报送; 问题逾期 in ``rules.py`` is
written the same way over supervision's problems)::

    # zhaoshang/scheduling/warnings.py, imported from SchedulingConfig.ready()
    from zhaoshang.alerts.registry import Finding, RuleKind, register

    def missing_reports(rule, today):
        # one grouped query: the (round, unit) pairs past the round's deadline without a report
        for round_id, unit_id, deadline in RoundUnit.objects.filter(...).values_list(...):
            late = (today - deadline).days
            if late > 0:
                yield Finding(SchedulingRound, round_id, unit_id,
                              "red" if late > rule.red_threshold else "yellow",
                              f"{deadline:%Y-%m-%d} 截止的调度未报送", deadline + timedelta(days=1),
                              key=str(unit_id))  # one warning per unit of the round

    register(RuleKind(
        kind="report_missing", label="调度未报送", order=60, evaluate=missing_reports,
        description="调度轮次截止后，责任单位仍未报送。",
        fields={"red_threshold": "逾期超过多少天为红色预警（天）"},
        defaults={"red_threshold": 3},
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
