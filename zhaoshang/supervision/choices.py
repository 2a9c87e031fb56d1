from django.db import models


class ProblemCategory(models.TextChoices):
    """What a project is stuck on, as the 问题清单 groups it."""

    LAND = "land", "用地"
    FUNDS = "funds", "资金"
    APPROVAL = "approval", "审批"
    POLICY = "policy", "政策"
    UTILITIES = "utilities", "水电气"
    OTHER = "other", "其他"


class ProblemStatus(models.TextChoices):
    OPEN = "open", "办理中"
    CLOSED = "closed", "已办结"


class Satisfaction(models.TextChoices):
    """The investor's verdict when a problem is closed."""

    SATISFIED = "satisfied", "满意"
    FAIRLY = "fairly", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class NoteKind(models.TextChoices):
    """Entries of a problem's timeline: progress written by people, and the workflow's
    own steps (escalation, closing, reopening) so the timeline reads as one story."""

    PROGRESS = "progress", "办理进展"
    ESCALATED = "escalated", "逾期升级"
    CLOSED = "closed", "办结"
    REOPENED = "reopened", "重新打开"


STATUS_BADGES = {ProblemStatus.OPEN: "yellow", ProblemStatus.CLOSED: "green"}
SATISFACTION_BADGES = {Satisfaction.SATISFIED: "green", Satisfaction.FAIRLY: "azure", Satisfaction.DISSATISFIED: "red"}
NOTE_BADGES = {
    NoteKind.PROGRESS: "azure",
    NoteKind.ESCALATED: "red",
    NoteKind.CLOSED: "green",
    NoteKind.REOPENED: "orange",
}
