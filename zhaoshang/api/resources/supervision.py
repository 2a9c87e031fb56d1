"""督办 through the API: problems with their timelines, leaders' instructions (批示) and
their replies. Reads as the problem list and the problem page read; progress notes,
instructions and replies through the pages' forms and services, with their messages."""

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Query, Router, Status
from pydantic import ConfigDict, Field

from zhaoshang.api.api import (
    ERRORS,
    IDEMPOTENCY_KEY,
    Keyset,
    _date,
    _replayed,
    form_invalid,
    listed,
    local,
    service_invalid,
)
from zhaoshang.api.resources.common import business, may, one
from zhaoshang.api.schemas import ErrorOut, Schema
from zhaoshang.api.services import ApiError, idempotent
from zhaoshang.core.choices import Action

router = Router(tags=["督办"])


# --- Schemas -------------------------------------------------------------------------------------


class NoteOut(Schema):
    id: int
    kind: str
    kind_label: str
    date: datetime.date
    text: str
    by: str | None
    created_at: datetime.datetime


class InstructionOut(Schema):
    id: int
    project_id: int
    project: str
    problem_id: int | None
    leader: str = Field(description="批示领导")
    text: str
    written_on: datetime.date
    answered: bool
    reply_text: str
    replied_on: datetime.date | None


class InstructionPage(Schema):
    results: list[InstructionOut]
    next: str | None


class ProblemRow(Schema):
    id: int
    project_id: int
    project: str
    category: str
    category_label: str
    description: str
    raised_on: datetime.date
    responsible_unit_id: int
    responsible_unit: str
    responsible_leader: str
    working_days: int | None
    deadline: datetime.date
    status: str
    status_label: str
    overdue: bool
    escalated_on: datetime.date | None
    closed_on: datetime.date | None
    satisfaction: str
    satisfaction_label: str


class ProblemPage(Schema):
    results: list[ProblemRow]
    next: str | None


class ProblemDetail(ProblemRow):
    closing_note: str
    notes: list[NoteOut]
    instructions: list[InstructionOut]


class ProgressIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: datetime.date
    text: str = Field(min_length=1, max_length=2000, description="办理进展")


class InstructionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    project_id: int
    problem_id: int | None = Field(None, description="针对该项目的某个问题；不填为针对整个项目")
    text: str = Field(min_length=1, max_length=5000, description="批示内容")
    written_on: datetime.date
    leader_id: int | None = Field(None, description="招商局代录时：批示领导的账号；领导本人录入时不填")
    leader_name: str = Field("", max_length=50, description="招商局代录、领导没有账号时：领导姓名和职务")


class ReplyIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reply_text: str = Field(min_length=1, max_length=2000, description="落实情况")
    replied_on: datetime.date


# --- Rows ----------------------------------------------------------------------------------------


def problem_row(problem) -> dict:
    return {
        "id": problem.pk,
        "project_id": problem.project_id,
        "project": problem.project.name,
        "category": problem.category,
        "category_label": problem.get_category_display(),
        "description": problem.description,
        "raised_on": problem.raised_on,
        "responsible_unit_id": problem.responsible_unit_id,
        "responsible_unit": problem.responsible_unit.name,
        "responsible_leader": problem.leader_display or "",
        "working_days": problem.working_days,
        "deadline": problem.deadline,
        "status": problem.status,
        "status_label": problem.get_status_display(),
        "overdue": problem.is_overdue,
        "escalated_on": problem.escalated_on,
        "closed_on": problem.closed_on,
        "satisfaction": problem.satisfaction,
        "satisfaction_label": problem.get_satisfaction_display() if problem.satisfaction else "",
    }


def note_out(note) -> dict:
    return {
        "id": note.pk,
        "kind": note.kind,
        "kind_label": note.get_kind_display(),
        "date": note.date,
        "text": note.text,
        "by": (note.by.name or note.by.username) if note.by_id else None,
        "created_at": local(note.created_at),
    }


def instruction_out(instruction) -> dict:
    return {
        "id": instruction.pk,
        "project_id": instruction.project_id,
        "project": instruction.project.name,
        "problem_id": instruction.problem_id,
        "leader": instruction.leader_display,
        "text": instruction.text,
        "written_on": instruction.written_on,
        "answered": instruction.answered,
        "reply_text": instruction.reply_text,
        "replied_on": instruction.replied_on,
    }


def _problems(user, action=Action.VIEW):
    from zhaoshang.supervision.models import Problem

    return Problem.objects.restrict(user, action).select_related("project", "responsible_unit", "responsible_leader")


def _instructions(user, action=Action.VIEW):
    from zhaoshang.supervision.models import Instruction

    return Instruction.objects.restrict(user, action).select_related("project", "leader")


def problem_detail_out(user, problem) -> dict:
    notes = problem.notes.select_related("by").order_by("date", "id")
    instructions = _instructions(user).filter(problem=problem).order_by("-written_on", "-id")
    return {
        **problem_row(problem),
        "closing_note": problem.closing_note,
        "notes": [note_out(note) for note in notes],
        "instructions": [instruction_out(row) for row in instructions],
    }


def _labels(form) -> dict[str, str]:
    return {name: str(field.label) for name, field in form.fields.items()}


# --- Problems ------------------------------------------------------------------------------------


@router.get("/problems", response={200: ProblemPage, ERRORS: ErrorOut}, summary="问题清单（游标分页，按办结期限）")
def problems(
    request,
    q: str | None = None,
    status: str | None = None,
    category: str | None = None,
    unit: str | None = None,
    overdue: str | None = None,
    escalated: str | None = None,
    leader: str | None = None,
    project: str | None = None,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=100),
):
    """The problem list's filters (its FilterSet); every problem the user sees on the list."""
    from zhaoshang.supervision.filtersets import ProblemFilterSet
    from zhaoshang.supervision.models import Problem

    base = Problem.objects.restrict(request.user)
    keyset = Keyset("deadline", False, _date)
    related = ("project", "responsible_unit", "responsible_leader")
    return listed(
        request, "supervision", ProblemFilterSet, base, keyset, "deadline", cursor, limit, problem_row, related
    )


@router.get(
    "/problems/{problem_id}",
    response={200: ProblemDetail, ERRORS: ErrorOut},
    summary="问题详情（含办理记录和批示）",
)
def problem_detail(request, problem_id: int):
    business(request, "supervision")
    return problem_detail_out(request.user, one(_problems(request.user), problem_id))


@router.post(
    "/problems/{problem_id}/progress",
    response={201: NoteOut, ERRORS: ErrorOut},
    summary="记录办理进展（可带 Idempotency-Key）",
)
def progress_create(
    request, problem_id: int, payload: ProgressIn, response: HttpResponse, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    """As 「办理进展」 on the problem page: the responsible unit or the bureau, while open."""
    from zhaoshang.supervision.forms import NoteForm
    from zhaoshang.supervision.models import Problem
    from zhaoshang.supervision.services import add_note

    business(request, "supervision", "write")
    may(Problem, request.user, message="您的角色只能查看问题，不能记录办理进展。")
    problem = one(_problems(request.user, Action.CHANGE), problem_id)

    def create():
        form = NoteForm(payload.model_dump())
        if not form.is_valid():
            raise form_invalid(form)
        try:
            note = add_note(request.user, problem, form.cleaned_data["text"], form.cleaned_data["date"])
        except ValidationError as exc:
            raise service_invalid(exc, _labels(form)) from None
        return 201, note_out(note)

    status, body, replayed = idempotent(request, request.auth, idempotency_key, create)
    _replayed(response, replayed)
    return Status(status, body)


# --- Instructions --------------------------------------------------------------------------------


@router.get(
    "/instructions",
    response={200: InstructionPage, ERRORS: ErrorOut},
    summary="领导批示（游标分页，最新在前）",
)
def instructions(
    request,
    answered: str | None = Query(None, description="no 未回复、yes 已回复；不填为全部"),
    unit: str | None = None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=100),
):
    from zhaoshang.supervision.filtersets import InstructionFilterSet
    from zhaoshang.supervision.models import Instruction

    base = Instruction.objects.restrict(request.user)
    keyset = Keyset("written_on", True, _date)
    return listed(
        request,
        "supervision",
        InstructionFilterSet,
        base,
        keyset,
        "-written_on",
        cursor,
        limit,
        instruction_out,
        ("project", "leader"),
    )


@router.get("/instructions/{instruction_id}", response={200: InstructionOut, ERRORS: ErrorOut}, summary="批示详情")
def instruction_detail(request, instruction_id: int):
    business(request, "supervision")
    return instruction_out(one(_instructions(request.user), instruction_id))


@router.post(
    "/instructions",
    response={201: InstructionOut, ERRORS: ErrorOut},
    summary="录入批示（领导本人，或招商局代录；可带 Idempotency-Key）",
)
def instruction_create(
    request, payload: InstructionIn, response: HttpResponse, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    """As 「批示」 on the project page: a leader writes it as themself; the bureau records
    it naming the leader. The responsible unit is notified, as from the page."""
    from zhaoshang.accounts.choices import Role
    from zhaoshang.projects.models import Project
    from zhaoshang.supervision.forms import InstructionForm
    from zhaoshang.supervision.services import write_instruction

    business(request, "supervision", "write")
    user = request.user
    if user.role not in (Role.LEADER, Role.BUREAU):
        raise ApiError(403, "forbidden", "只有领导或招商局可以录入批示。")
    project = one(Project.objects.restrict(user).filter(merged_into__isnull=True), payload.project_id)

    def create():
        data = {
            "problem": payload.problem_id,
            "leader": payload.leader_id,
            "leader_name": payload.leader_name,
            "text": payload.text,
            "written_on": payload.written_on,
        }
        form = InstructionForm(data, user=user, project=project)
        if not form.is_valid():
            raise form_invalid(form)
        instruction = form.save(commit=False)
        instruction.project = project
        try:
            instruction = write_instruction(user, instruction)
        except ValidationError as exc:
            raise service_invalid(exc, _labels(form)) from None
        return 201, instruction_out(instruction)

    status, body, replayed = idempotent(request, request.auth, idempotency_key, create)
    _replayed(response, replayed)
    return Status(status, body)


@router.post(
    "/instructions/{instruction_id}/reply",
    response={200: InstructionOut, ERRORS: ErrorOut},
    summary="回复批示落实情况（再次回复替换前一次）",
)
def instruction_reply(request, instruction_id: int, payload: ReplyIn):
    from zhaoshang.supervision.forms import ReplyForm
    from zhaoshang.supervision.models import Instruction
    from zhaoshang.supervision.services import reply_instruction

    business(request, "supervision", "write")
    may(Instruction, request.user, message="您的角色不能回复批示。")
    instruction = one(_instructions(request.user, Action.CHANGE), instruction_id)
    form = ReplyForm(payload.model_dump())
    if not form.is_valid():
        raise form_invalid(form)
    try:
        instruction = reply_instruction(
            request.user, instruction, form.cleaned_data["reply_text"], form.cleaned_data["replied_on"]
        )
    except ValidationError as exc:
        raise service_invalid(exc, _labels(form)) from None
    return instruction_out(one(_instructions(request.user), instruction.pk))
