"""督办, 调度, 通报, 考核, the dashboard and the account list through the API, persona by
persona: another town's problem, instruction or report is 404 through every endpoint, a
draft bulletin never leaves the pages, the system admin and the auditor read no business
data (and only the system admin reads accounts), writes go through the pages' services."""

import datetime

import pytest

from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today().isoformat()
PROGRESS = {"date": TODAY, "text": "已与自然资源局对接用地预审"}
REPORT = {"progress": "主体厂房封顶", "investment_this_period": "1200.5", "investment_cumulative": "8000"}


def test_another_towns_problem_instruction_and_report_are_404_through_every_endpoint(world, token_for, call):
    extra = world.extra
    token = token_for(world.officer_a)
    problem, instruction, report = extra["their_problem"], extra["their_instruction"], extra["their_report"]
    answers = [
        call(token, "get", f"/api/v1/problems/{problem.pk}"),
        call(token, "post", f"/api/v1/problems/{problem.pk}/progress", PROGRESS),
        call(token, "get", f"/api/v1/instructions/{instruction.pk}"),
        call(
            token, "post", f"/api/v1/instructions/{instruction.pk}/reply", {"reply_text": "已办", "replied_on": TODAY}
        ),
        call(token, "get", f"/api/v1/scheduling/reports/{report.pk}"),
        call(token, "put", f"/api/v1/scheduling/reports/{report.pk}", REPORT, headers={"If-Match": '"1"'}),
        call(token, "get", f"/api/v1/dashboard?unit={world.town_b.pk}"),
        call(token, "get", f"/api/v1/dashboard/not-started?unit={world.town_b.pk}"),
    ]
    for answer in answers:
        assert answer.status_code == 404, answer.content
        assert answer.json()["code"] == "not_found"
    report.refresh_from_db()
    assert report.progress == "" and extra["their_problem"].notes.count() == 0
    instruction.refresh_from_db()
    assert instruction.reply_text == ""
    # The lists show none of it, nor when asked for it by filter.
    problems = call(token, "get", "/api/v1/problems").json()["results"]
    assert [row["description"] for row in problems] == ["城关镇：用地指标"]
    assert call(token, "get", "/api/v1/problems", {"project": extra["theirs"].pk}).json()["results"] == []
    listed = call(token, "get", "/api/v1/instructions").json()["results"]
    assert [row["id"] for row in listed] == [extra["my_instruction"].pk]
    reports = call(token, "get", "/api/v1/scheduling/reports", {"round": extra["round"].pk}).json()["results"]
    assert [row["project"] for row in reports] == ["城关镇的项目"]
    # Its own town reads them.
    other = token_for(world.officer_b)
    assert call(other, "get", f"/api/v1/problems/{problem.pk}").status_code == 200
    assert call(other, "get", f"/api/v1/instructions/{instruction.pk}").json()["leader"] == "市领导"
    assert call(other, "get", f"/api/v1/scheduling/reports/{report.pk}").status_code == 200


def test_a_problem_reads_as_its_page_with_labels_beside_codes(world, token_for, call):
    token = token_for(world.officer_b)
    body = call(token, "get", f"/api/v1/problems/{world.extra['their_problem'].pk}").json()
    assert (body["category"], body["category_label"]) == ("land", "用地")
    assert (body["status"], body["status_label"]) == ("open", "办理中")
    assert body["responsible_unit"] == "河口镇" and body["deadline"] == "2025-10-11"
    assert [row["text"] for row in body["instructions"]] == ["请市电力公司协调增容"]


def test_progress_goes_through_the_service_once_per_idempotency_key(world, token_for, call):
    problem = world.extra["my_problem"]
    token = token_for(world.officer_a)
    url = f"/api/v1/problems/{problem.pk}/progress"
    first = call(token, "post", url, PROGRESS, headers={"Idempotency-Key": "p-1"})
    again = call(token, "post", url, PROGRESS, headers={"Idempotency-Key": "p-1"})
    assert first.status_code == again.status_code == 201, first.content
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert problem.notes.filter(kind="progress").count() == 1
    # The service's own messages: not before the problem was raised.
    early = call(token, "post", url, {**PROGRESS, "date": "2020-01-01"})
    assert early.status_code == 422
    assert early.json()["fields"] == {"date": ["进展日期不能早于问题提出日期（2025-09-30）。"]}
    # A leader reads problems but writes no progress.
    leader = token_for(world.leader)
    answer = call(leader, "post", url, PROGRESS)
    assert answer.status_code == 403 and answer.json()["code"] == "read_only"


def test_a_leader_writes_an_instruction_and_an_officer_cannot(world, token_for, call):
    from zhaoshang.supervision.models import Instruction

    mine, problem = world.extra["mine"], world.extra["my_problem"]
    body = {"project_id": mine.pk, "problem_id": problem.pk, "text": "限期解决用地问题", "written_on": TODAY}
    leader = token_for(world.leader, scopes=["supervision:write"])
    first = call(leader, "post", "/api/v1/instructions", body, headers={"Idempotency-Key": "i-1"})
    again = call(leader, "post", "/api/v1/instructions", body, headers={"Idempotency-Key": "i-1"})
    assert first.status_code == again.status_code == 201, first.content
    assert (
        first.json()["leader"] == "市领导" and Instruction.objects.filter(project=mine, text=body["text"]).count() == 1
    )
    officer = call(token_for(world.officer_a), "post", "/api/v1/instructions", body)
    assert officer.status_code == 403 and officer.json()["message"] == "只有领导或招商局可以录入批示。"
    # The bureau records one for a leader, who must be named.
    unnamed = call(token_for(world.bureau), "post", "/api/v1/instructions", {**body, "text": "再次督促"})
    assert unnamed.status_code == 422 and unnamed.json()["fields"] == {"leader": ["请选择批示领导，或填写领导姓名。"]}
    # The town replies.
    reply = call(
        token_for(world.officer_a),
        "post",
        f"/api/v1/instructions/{first.json()['id']}/reply",
        {"reply_text": "已落实用地指标", "replied_on": TODAY},
    )
    assert reply.status_code == 200 and reply.json()["answered"] is True


def test_a_report_is_saved_and_submitted_with_if_match(world, token_for, call):
    report = world.extra["my_report"]
    token = token_for(world.officer_a)
    url = f"/api/v1/scheduling/reports/{report.pk}"
    etag = call(token, "get", url)["ETag"]
    missing = call(token, "put", url, REPORT)
    assert missing.status_code == 428
    refused = call(token, "put", url, {**REPORT, "progress": "", "submit": True}, headers={"If-Match": etag})
    assert refused.status_code == 422 and refused.json()["fields"] == {"progress": ["提交前请填写本期进展。"]}
    saved = call(token, "put", url, {**REPORT, "submit": True}, headers={"If-Match": etag})
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert (body["status"], body["status_label"]) == ("submitted", "已提交")
    assert body["investment_this_period"] == "1200.5" and body["investment_cumulative"] == "8000"
    stale = call(token, "put", url, REPORT, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.json()["current_version"] == body["version"]
    again = call(token, "put", url, REPORT, headers={"If-Match": saved["ETag"]})
    assert again.status_code == 422 and again.json()["message"] == "报告已提交；如需修改，请招商局先退回。"
    # The round: the town's own progress; the whole round's summary is the bureau's.
    detail = call(token, "get", f"/api/v1/scheduling/rounds/{world.extra['round'].pk}").json()
    assert [(line["unit"], line["submitted"], line["total"]) for line in detail["progress"]] == [("城关镇", 1, 1)]
    assert detail["summary"] is None
    bureau = call(token_for(world.bureau), "get", f"/api/v1/scheduling/rounds/{world.extra['round'].pk}").json()
    assert len(bureau["progress"]) == 2 and bureau["summary"] is not None


def test_only_published_bulletins_with_their_files_and_frozen_numbers(world, token_for, call):
    published, draft = world.extra["published"], world.extra["draft"]
    for user in (world.bureau, world.officer_a, world.leader):
        token = token_for(user)
        rows = call(token, "get", "/api/v1/bulletins").json()["results"]
        assert [row["id"] for row in rows] == [published.pk], user.username
        for path in (f"/api/v1/bulletins/{draft.pk}", f"/api/v1/bulletins/{draft.pk}/numbers"):
            assert call(token, "get", path).status_code == 404, (user.username, path)
    token = token_for(world.officer_a)
    detail = call(token, "get", f"/api/v1/bulletins/{published.pk}").json()
    assert {file["format"] for file in detail["files"]} == {"docx", "xlsx"}
    docx = next(file for file in detail["files"] if file["format"] == "docx")
    assert docx["sha256"] == published.snapshot.docx_sha256 and docx["size"] > 0
    assert docx["download_url"] == f"http://testserver/bulletins/{published.pk}/download/docx/"
    numbers = call(token, "get", f"/api/v1/bulletins/{published.pk}/numbers").json()["numbers"]
    assert numbers == published.snapshot.numbers


def test_assessment_results_rank_every_unit_and_break_down_only_the_readers(world, token_for, call):
    result = world.extra["result"]
    token = token_for(world.officer_a)
    schemes = call(token, "get", "/api/v1/assessment/schemes").json()
    assert [ref["id"] for ref in schemes[0]["results"]] == [result.pk]
    body = call(token, "get", f"/api/v1/assessment/results/{result.pk}").json()
    units = {unit["unit_name"]: unit for unit in body["units"]}
    assert set(units) == {"城关镇", "河口镇"}
    assert units["城关镇"]["breakdown"] is not None and units["河口镇"]["breakdown"] is None
    assert all(isinstance(unit["total"], str) for unit in units.values())
    assert body["counting_rules"]


def test_the_dashboard_is_the_pages_for_the_users_scope(world, token_for, call):
    mine = call(token_for(world.officer_a), "get", "/api/v1/dashboard", {"year": 2024, "month": 12}).json()
    assert mine["title"] == "城关镇" and mine["unit_id"] == world.town_a.pk
    assert mine["period"]["label"] and mine["rules"]
    assert mine["kpis"][0]["indicator"] == "signed_count"
    assert all(isinstance(kpi["value"], str) for kpi in mine["kpis"])
    county = call(token_for(world.bureau), "get", "/api/v1/dashboard", {"unit": world.county.pk}).json()
    assert {row["unit"] for row in county["ranking"]} == {"城关镇", "河口镇"}
    from zhaoshang.projects.services import verify_event

    signed = project(
        world.officer_a, world.town_a, name="签约未开工", stage="signed", agreed_start_on=datetime.date(2025, 1, 1)
    )
    verify_event(world.bureau, signed.events.get(stage="signed"))
    counts = [
        call(token_for(user), "get", "/api/v1/dashboard/not-started").json()["count"]
        for user in (world.officer_a, world.officer_b)
    ]
    assert counts == [1, 0]


@pytest.mark.parametrize("role", ["sysadmin", "auditor"])
def test_the_system_admin_and_the_auditor_are_refused_every_business_endpoint(role, world, token_for, call):
    extra = world.extra
    token = token_for(getattr(world, role), scopes=["units:read"])
    # Whatever the token's scopes: the role is refused first where a scope would be.
    from zhaoshang.api.models import ApiToken

    ApiToken._base_manager.update(
        scopes=[
            *(f"{app}:read" for app in ("supervision", "scheduling", "bulletins", "assessment", "dashboard")),
            "supervision:write",
            "scheduling:write",
        ]
    )
    for method, path, body in (
        ("get", "/api/v1/problems", None),
        ("get", f"/api/v1/problems/{extra['my_problem'].pk}", None),
        ("post", f"/api/v1/problems/{extra['my_problem'].pk}/progress", PROGRESS),
        ("get", "/api/v1/instructions", None),
        ("get", "/api/v1/scheduling/rounds", None),
        ("get", f"/api/v1/scheduling/rounds/{extra['round'].pk}", None),
        ("get", "/api/v1/scheduling/reports", None),
        ("get", f"/api/v1/scheduling/reports/{extra['my_report'].pk}", None),
        ("get", "/api/v1/bulletins", None),
        ("get", f"/api/v1/bulletins/{extra['published'].pk}/numbers", None),
        ("get", "/api/v1/assessment/schemes", None),
        ("get", f"/api/v1/assessment/results/{extra['result'].pk}", None),
        ("get", "/api/v1/dashboard", None),
        ("get", "/api/v1/dashboard/not-started", None),
    ):
        answer = call(token, method, path, body)
        assert answer.status_code == 403, (path, answer.content)
        assert answer.json()["code"] == "role_forbidden", path


def test_only_the_system_admin_lists_accounts_and_never_their_secrets(world, token_for, call):
    answer = call(token_for(world.sysadmin, scopes=["users:read"]), "get", "/api/v1/users", {"limit": 3})
    assert answer.status_code == 200, answer.content
    page = answer.json()
    assert len(page["results"]) == 3 and page["next"]
    names = [row["username"] for row in page["results"]]
    assert names == sorted(names)
    text = answer.content.decode()
    assert "password" not in text and "pbkdf2" not in text
    walked, url = [], "/api/v1/users?limit=3"
    while url:
        body = call(token_for(world.sysadmin, scopes=["users:read"]), "get", url).json()
        walked += [row["username"] for row in body["results"]]
        url = body["next"]
    assert set(walked) == {user.username for user in world.all_users()}
    for user in (world.bureau, world.leader, world.officer_a, world.auditor):
        refused = call(token_for(user, scopes=["units:read"]), "get", "/api/v1/users")
        # Without the scope first; the scope is offered to the system admin only.
        assert refused.status_code == 403 and refused.json()["code"] == "scope_missing"
    from zhaoshang.api.models import ApiToken

    token = token_for(world.bureau, scopes=["units:read"])
    ApiToken._base_manager.update(scopes=["users:read"])
    refused = call(token, "get", "/api/v1/users")
    assert refused.status_code == 403 and refused.json()["code"] == "role_forbidden"


def test_the_token_form_offers_the_new_scopes_per_role(personas):
    from zhaoshang.api.forms import scope_choices

    def offered(user):
        return set(dict(scope_choices(user)))

    leader, officer = offered(personas.leader), offered(personas.officer_a)
    assert {"supervision:read", "supervision:write", "dashboard:read", "bulletins:read"} <= leader
    assert "scheduling:write" not in leader and "projects:write" not in leader
    assert {"supervision:write", "scheduling:write", "assessment:read"} <= officer
    assert "users:read" not in officer | leader | offered(personas.bureau)
    assert offered(personas.sysadmin) == {"units:read", "users:read"}
    assert offered(personas.auditor) == set()
