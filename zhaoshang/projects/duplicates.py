"""Finding a project reported twice (一炮数响), and merging the two.

A duplicate is looked for across all units, whoever asks: a project counted by two towns
is exactly what the bureau must catch. What a unit officer learns about a project outside
their scope is only its code and responsible unit, enough to ask the bureau.
"""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditLog
from zhaoshang.core.parsing import normalise_text
from zhaoshang.projects.choices import Stage
from zhaoshang.projects.models import Project
from zhaoshang.relations.normalise import normalise_company_name

# Words every project name carries; they make unrelated names look alike.
_GENERIC_WORDS = ("建设项目", "项目", "一期", "二期", "(一期)", "（一期）", "年产")
SIMILAR_NAME_RATIO = 0.8


def normalise_project_name(name: str) -> str:
    text = normalise_text(name).replace(" ", "")
    for word in _GENERIC_WORDS:
        text = text.replace(word, "")
    return text


def name_similarity(a: str, b: str) -> float:
    left, right = normalise_project_name(a), normalise_project_name(b)
    if not left or not right:
        return 0.0
    return SequenceMatcher(None, left, right).ratio()


@dataclass
class DuplicateHint:
    project: Project
    reasons: list[str] = field(default_factory=list)
    visible: bool = True  # False: outside the asking user's scope; show code and unit only

    @property
    def strong(self) -> bool:
        return any(reason.startswith("项目名称相近") for reason in self.reasons)


def find_duplicates(
    user, *, name: str, investor_name: str = "", uscc: str = "", exclude_pk=None
) -> list[DuplicateHint]:
    """Likely duplicates of a project with this name and investor, strongest first.

    Matches: the investor's credit code; the investor's normalised name; and, for the
    same investor, a similar project name. Projects already merged away are skipped.
    """
    investor_key = normalise_company_name(investor_name) if investor_name else ""
    uscc = (uscc or "").strip().upper()
    condition = Q()
    if uscc:
        condition |= Q(investor__uscc=uscc)
    if investor_key:
        condition |= Q(investor__normalised_name=investor_key)
    if not condition:
        return []
    candidates = Project.objects.filter(condition, merged_into__isnull=True).select_related(
        "investor", "responsible_unit"
    )
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    visible_ids = set(
        Project.objects.restrict(user).filter(pk__in=[p.pk for p in candidates]).values_list("pk", flat=True)
    )
    hints = []
    for candidate in candidates[:50]:
        reasons = []
        if uscc and candidate.investor and candidate.investor.uscc == uscc:
            reasons.append("投资方统一社会信用代码相同")
        elif investor_key and candidate.investor and candidate.investor.normalised_name == investor_key:
            reasons.append("投资方名称相同")
        ratio = name_similarity(name, candidate.name)
        if ratio >= SIMILAR_NAME_RATIO:
            reasons.insert(0, f"项目名称相近（{ratio:.0%}）")
        hints.append(DuplicateHint(candidate, reasons, visible=candidate.pk in visible_ids))
    hints.sort(key=lambda hint: (not hint.strong, hint.project.code))
    return hints


@transaction.atomic
def merge_projects(user, keep: Project, duplicate: Project, *, reason: str = "") -> Project:
    """Fold ``duplicate`` into ``keep``: its stage events, follow-ups and files move over,
    it is marked 退库 and ``merged_into``, and no longer counts anywhere. Bureau only."""
    if user.role != "bureau":
        raise PermissionDenied("只有招商局可以合并项目。")
    if keep.pk == duplicate.pk:
        raise ValidationError("不能将项目与自身合并。")
    if duplicate.merged_into_id:
        raise ValidationError(f"项目「{duplicate}」已合并至其他项目。")
    keep = Project.objects.select_for_update().get(pk=keep.pk)
    duplicate = Project.objects.select_for_update().get(pk=duplicate.pk)
    moved = {"events": 0, "follow_ups": 0, "attachments": 0}
    for related, key in (
        (duplicate.events, "events"),
        (duplicate.follow_ups, "follow_ups"),
        (duplicate.attachments, "attachments"),
    ):
        for row in related.all():
            row.project = keep
            if key == "events":
                row.note = f"{row.note}\n（由项目 {duplicate.code} 合并而来）".strip()
            row.save()
            moved[key] += 1
    duplicate.merged_into = keep
    duplicate.stage = Stage.DROPPED
    duplicate.drop_reason = f"重复项目，已合并至 {keep.code}。{reason}".strip()
    duplicate.version += 1  # an edit form opened before the merge is now stale
    duplicate.save()
    AuditLog.record(
        AuditAction.MERGE,
        keep,
        changes={"merged": [duplicate.code, keep.code], **{key: [0, count] for key, count in moved.items()}},
        detail=f"合并重复项目 {duplicate.code} → {keep.code}。{reason}".strip(),
    )
    return keep
