"""Object URLs of the supervision app, for the generic scope check (zhaoshang/testing.py)."""

import datetime

from zhaoshang.testing import ScopeCheck


def town_b_project(personas):
    from zhaoshang.projects.tests.factories import project

    return project(personas.officer_b, personas.town_b, name="河口镇的项目")


def town_b_problem(personas):
    from zhaoshang.supervision.models import Problem
    from zhaoshang.supervision.services import raise_problem

    problem = Problem(
        project=town_b_project(personas),
        category="land",
        description="河口镇项目用地指标未落实",
        raised_on=datetime.date(2025, 3, 3),
    )
    return raise_problem(personas.officer_b, problem, time_limit="2025-03-20")


def town_b_instruction(personas):
    from zhaoshang.supervision.models import Instruction
    from zhaoshang.supervision.services import write_instruction

    instruction = Instruction(project=town_b_project(personas), text="请加快推进。")
    return {"pk": write_instruction(personas.leader, instruction).pk}


SCOPE_CHECKS = [
    ScopeCheck("supervision:detail", lambda p: {"pk": town_b_problem(p).pk}),
    ScopeCheck("supervision:edit", lambda p: {"pk": town_b_problem(p).pk}),
    ScopeCheck("supervision:close", lambda p: {"pk": town_b_problem(p).pk}),
    # POST only: town A's officer gets 404; town B's own officer records (a redirect).
    ScopeCheck("supervision:note_add", lambda p: {"pk": town_b_problem(p).pk}, method="post"),
    ScopeCheck("supervision:create", lambda p: {"pk": town_b_project(p).pk}),
    ScopeCheck("supervision:instruction_reply", town_b_instruction),
]

# Bureau-only reopening and leaders'/bureau's instructions: no officer reaches them.
ADMIN_ONLY_URLS = ["supervision:reopen", "supervision:instruct"]
