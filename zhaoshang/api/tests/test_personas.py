"""The API keeps the pages' rules, persona by persona: another town's project is 404
through every endpoint, the leader only reads, the system admin and the auditor see no
business data (三权分立)."""

import datetime

import pytest

from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today().isoformat()


@pytest.fixture
def two_towns(personas):
    mine = project(personas.officer_a, personas.town_a, name="城关镇的项目")
    theirs = project(personas.officer_b, personas.town_b, name="河口镇的项目")
    return mine, theirs


def test_a_town_officer_lists_only_their_towns_projects(personas, two_towns, token_for, call):
    _, _ = two_towns
    token = token_for(personas.officer_a)
    names = [row["name"] for row in call(token, "get", "/api/v1/projects").json()["results"]]
    assert names == ["城关镇的项目"]
    # Nor by searching for it, nor by asking for the other town as a filter.
    assert call(token, "get", "/api/v1/projects", {"q": "河口镇"}).json()["results"] == []
    answer = call(token, "get", "/api/v1/projects", {"unit": personas.town_b.pk})
    assert answer.status_code == 422 and "单位" in answer.json()["message"]


def test_another_towns_project_is_404_through_every_endpoint(personas, two_towns, token_for, call):
    _, theirs = two_towns
    token = token_for(personas.officer_a)
    base = f"/api/v1/projects/{theirs.pk}"
    answers = [
        call(token, "get", base),
        call(token, "patch", base, {"remarks": "改"}, headers={"If-Match": f'"{theirs.version}"'}),
        call(token, "post", f"{base}/follow-ups", {"date": TODAY, "kind": "call", "content": "电话"}),
        call(token, "post", f"{base}/stage-claims", {"stage": "dropped", "date": TODAY, "note": "不投了"}),
    ]
    for answer in answers:
        assert answer.status_code == 404, answer.content
        assert answer.json()["code"] == "not_found"
    # Nothing was written to the other town's project.
    theirs.refresh_from_db()
    assert theirs.remarks == "" and theirs.follow_ups.count() == 0 and theirs.stage == "negotiating"
    # The tranche and warning lists filtered by its id show nothing of it.
    assert call(token, "get", "/api/v1/tranches", {"project": theirs.pk}).json()["results"] == []
    assert call(token, "get", "/api/v1/warnings", {"project": theirs.pk}).json()["results"] == []
    # Its own officer reads it.
    assert call(token_for(personas.officer_b), "get", base).status_code == 200


def test_units_are_the_officers_subtree(personas, token_for, call):
    codes = [unit["code"] for unit in call(token_for(personas.officer_a), "get", "/api/v1/units").json()]
    assert codes == ["SFX-CG"]
    county = [unit["code"] for unit in call(token_for(personas.county_officer), "get", "/api/v1/units").json()]
    assert county == ["SFX", "SFX-CG", "SFX-HK"]


def test_the_leader_reads_everything_and_writes_nothing(personas, two_towns, token_for, call):
    _, theirs = two_towns
    token = token_for(personas.leader, scopes=["projects:read", "projects:write"])
    assert len(call(token, "get", "/api/v1/projects").json()["results"]) == 2
    detail = call(token, "get", f"/api/v1/projects/{theirs.pk}")
    assert detail.status_code == 200
    patch = call(
        token, "patch", f"/api/v1/projects/{theirs.pk}", {"remarks": "改"}, headers={"If-Match": detail["ETag"]}
    )
    post = call(
        token, "post", f"/api/v1/projects/{theirs.pk}/follow-ups", {"date": TODAY, "kind": "call", "content": "电话"}
    )
    for answer in (patch, post):
        assert answer.status_code == 403
        assert answer.json() == {"code": "read_only", "message": "您的角色只能查看项目，不能修改。"}


@pytest.mark.parametrize("role", ["sysadmin", "auditor"])
def test_the_system_admin_and_the_auditor_see_no_business_data(role, personas, two_towns, token_for, call):
    _, theirs = two_towns
    token = token_for(getattr(personas, role))
    for path in (
        "/api/v1/projects",
        f"/api/v1/projects/{theirs.pk}",
        "/api/v1/tranches",
        "/api/v1/targets",
        "/api/v1/stats/table",
        "/api/v1/warnings",
    ):
        answer = call(token, "get", path)
        assert answer.status_code == 403, path
        assert answer.json()["code"] == "role_forbidden"
        assert "三权分立" in answer.json()["message"]
    assert call(token, "get", "/api/v1/me").json()["role"] == role
    units = call(token, "get", "/api/v1/units").json()
    assert (units != []) == (role == "sysadmin")  # the system admin manages units; the auditor reads none


def test_a_write_is_audited_as_the_tokens_user_from_the_api(personas, two_towns, token_for, call):
    from zhaoshang.core.models import AuditLog

    mine, _ = two_towns
    token = token_for(personas.officer_a)
    answer = call(
        token,
        "post",
        f"/api/v1/projects/{mine.pk}/follow-ups",
        {"date": TODAY, "kind": "call", "content": "电话沟通用地"},
    )
    assert answer.status_code == 201
    row = AuditLog.objects.get(object_type="projects.followup", object_id=str(answer.json()["id"]))
    assert (row.user_id, row.username, row.source, row.action) == (personas.officer_a.pk, "officer_a", "api", "create")
