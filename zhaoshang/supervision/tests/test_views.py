"""The supervision pages by persona: officers work on their own towns' problems, the
bureau reopens, leaders instruct and read everything, the system admin sees nothing."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from zhaoshang.projects.tests.factories import project
from zhaoshang.supervision.models import Instruction, Problem
from zhaoshang.supervision.services import close_problem, escalate_overdue, write_instruction
from zhaoshang.supervision.tests.factories import problem_of

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def towns(personas, calendar):
    """A project and a problem in each town."""
    personas.extra["pa"] = project(personas.officer_a, personas.town_a, name="城关镇电容器项目")
    personas.extra["pb"] = project(personas.officer_b, personas.town_b, name="河口镇物流园项目")
    personas.extra["a"] = problem_of(personas.officer_a, personas.extra["pa"], description="城关镇用地问题")
    personas.extra["b"] = problem_of(
        personas.officer_b, personas.extra["pb"], category="utilities", description="河口镇供电问题"
    )
    return personas


def form_data(**overrides):
    data = {
        "category": "approval",
        "description": "环评批复办理中，需加快专家评审",
        "raised_on": "2025-09-30",
        "time_limit": "3 个工作日",
        "responsible_leader_name": "副县长 李强",
        "token": uuid.uuid4().hex,
    }
    return data | overrides


def test_an_officer_lists_only_their_towns_problems(towns, client):
    client.force_login(towns.officer_a)
    page = client.get(reverse("supervision:list")).content.decode()
    assert "城关镇用地问题" in page and "河口镇供电问题" not in page
    for user in (towns.leader, towns.bureau, towns.county_officer):
        client.force_login(user)
        page = client.get(reverse("supervision:list")).content.decode()
        assert "城关镇用地问题" in page and "河口镇供电问题" in page
    client.force_login(towns.sysadmin)
    assert client.get(reverse("supervision:list")).status_code == 404


def test_the_list_filters_by_category_unit_overdue_escalated_and_leader(towns, client):
    close_problem(towns.officer_b, towns.extra["b"], satisfaction="satisfied", note="已通电", day=D(2025, 10, 10))
    problem_of(
        towns.officer_a,
        towns.extra["pa"],
        category="policy",
        description="设备补助标准待明确",
        time_limit="2050-01-01",
        responsible_leader_name="周建国",
    )
    client.force_login(towns.bureau)

    def shown(**params):
        page = client.get(reverse("supervision:list"), params).content.decode()
        return {text for text in ("城关镇用地问题", "河口镇供电问题", "设备补助标准待明确") if text in page}

    assert shown(category="utilities") == {"河口镇供电问题"}
    assert shown(unit=towns.town_a.pk) == {"城关镇用地问题", "设备补助标准待明确"}
    assert shown(status="closed") == {"河口镇供电问题"}
    assert shown(overdue="1") == {"城关镇用地问题"}
    assert shown(escalated="1") == set()
    escalate_overdue(D(2025, 10, 20))
    assert shown(escalated="1") == {"城关镇用地问题"}
    assert shown(leader="周建国") == {"设备补助标准待明确"}
    assert shown(q="供电") == {"河口镇供电问题"}
    page = client.get(reverse("supervision:list"), {"escalated": "1"}).content.decode()
    assert "table-danger" in page and "已升级" in page


def test_the_list_answers_htmx_with_the_table_only(towns, client):
    client.force_login(towns.bureau)
    page = client.get(reverse("supervision:list"), headers={"HX-Request": "true"}).content.decode()
    assert 'id="problem-table"' in page and "<html" not in page


def test_the_list_takes_a_bounded_number_of_queries(towns, client, django_assert_max_num_queries):
    for index in range(30):
        problem_of(towns.officer_a, towns.extra["pa"], description=f"问题{index}")
    client.force_login(towns.officer_a)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("supervision:list")).status_code == 200


def test_a_problem_is_raised_from_the_project_page_with_its_deadline(towns, client):
    client.force_login(towns.officer_a)
    project_page = client.get(reverse("projects:detail", args=[towns.extra["pa"].pk])).content.decode()
    assert reverse("supervision:create", args=[towns.extra["pa"].pk]) in project_page
    assert "城关镇用地问题" in project_page and "1 个未办结" in project_page
    form = client.get(reverse("supervision:create", args=[towns.extra["pa"].pk])).content.decode()
    assert "10 个工作日" in form and "deadline-preview" in form
    response = client.post(reverse("supervision:create", args=[towns.extra["pa"].pk]), form_data())
    problem = Problem.objects.get(description__startswith="环评批复")
    assert response.status_code == 302 and response["Location"] == reverse("supervision:detail", args=[problem.pk])
    assert problem.deadline == D(2025, 10, 11) and problem.responsible_unit == towns.town_a
    page = client.get(response["Location"]).content.decode()
    assert "2025年10月11日（3 个工作日）" in page


def test_a_double_clicked_save_raises_one_problem(towns, client):
    client.force_login(towns.officer_a)
    data = form_data()
    url = reverse("supervision:create", args=[towns.extra["pa"].pk])
    client.post(url, data)
    client.post(url, data)
    assert Problem.objects.filter(description__startswith="环评批复").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_limit", "三天", "办理时限按工作日计算"),
        ("time_limit", "下个月", "无法识别的办理时限"),
        ("time_limit", "250 个工作日", "年的节假日安排尚未录入"),
        ("raised_on", "2050-01-01", "提出日期不能晚于今天"),
        ("category", "", "请选择问题类别。"),
    ],
)
def test_bad_input_shows_a_chinese_message_and_saves_nothing(towns, client, field, value, message):
    client.force_login(towns.officer_a)
    data = form_data(**{field: value})
    if value == "250 个工作日":  # a year ahead: beyond the calendar shipped (to 2026)
        data["raised_on"] = timezone.localdate().isoformat()
    response = client.post(reverse("supervision:create", args=[towns.extra["pa"].pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Problem.objects.filter(description__startswith="环评批复").exists()


def test_the_deadline_preview_shows_the_computed_date(towns, client):
    client.force_login(towns.officer_a)
    url = reverse("supervision:deadline_preview")
    answer = client.get(url, {"raised_on": "2025-09-30", "time_limit": "3 个工作日"}).content.decode()
    assert "3 个工作日，截止 2025年10月11日（周六）" in answer
    answer = client.get(url, {"raised_on": "2025-09-30", "time_limit": "3天"}).content.decode()
    assert "text-danger" in answer and "工作日" in answer


def test_notes_closing_and_reopening_through_the_pages(towns, client):
    problem = towns.extra["a"]
    client.force_login(towns.officer_a)
    client.post(reverse("supervision:note_add", args=[problem.pk]), {"date": "2025-10-09", "text": "已召开协调会"})
    client.post(reverse("supervision:note_add", args=[problem.pk]), {"date": "2025-10-09", "text": ""})
    assert list(problem.notes.values_list("text", flat=True)) == ["已召开协调会"]
    response = client.post(reverse("supervision:close", args=[problem.pk]), {"note": "已解决", "date": "2025-10-10"})
    assert response.status_code == 400 and "请选择企业满意度。" in response.content.decode()
    response = client.post(
        reverse("supervision:close", args=[problem.pk]),
        {"satisfaction": "satisfied", "note": "指标已调剂到位", "date": "2025-10-10"},
    )
    assert response.status_code == 302
    page = client.get(reverse("supervision:detail", args=[problem.pk])).content.decode()
    assert "已办结" in page and 'data-testid="satisfaction">满意<' in page and "指标已调剂到位" in page
    assert client.post(reverse("supervision:reopen", args=[problem.pk]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("supervision:edit", args=[problem.pk])).status_code == 302  # closed: not editable
    client.force_login(towns.bureau)
    client.post(reverse("supervision:reopen", args=[problem.pk]), {"reason": "企业不满意", "time_limit": "2050-01-01"})
    problem.refresh_from_db()
    assert problem.status == "open" and problem.deadline == D(2050, 1, 1)


def test_a_leader_reads_but_does_not_edit_and_writes_an_instruction(towns, client):
    problem = towns.extra["a"]
    client.force_login(towns.leader)
    page = client.get(reverse("supervision:detail", args=[problem.pk])).content.decode()
    assert reverse("supervision:edit", args=[problem.pk]) not in page
    assert client.get(reverse("supervision:edit", args=[problem.pk])).status_code == 404
    url = reverse("supervision:instruct", args=[towns.extra["pa"].pk])
    form = client.get(url + f"?problem={problem.pk}").content.decode()
    assert "批示内容" in form and "批示领导" not in form  # a leader writes as themself
    response = client.post(url, {"problem": problem.pk, "text": "请一周内解决。", "written_on": "2025-10-09"})
    assert response.status_code == 302
    instruction = Instruction.objects.get()
    assert instruction.leader == towns.leader and instruction.problem == problem
    client.force_login(towns.officer_a)
    assert client.get(url).status_code == 404
    listing = client.get(reverse("supervision:instruction_list")).content.decode()
    assert "请一周内解决。" in listing and "未回复" in listing
    response = client.post(
        reverse("supervision:instruction_reply", args=[instruction.pk]),
        {"reply_text": "已召开协调会，指标已调剂", "replied_on": "2025-10-10"},
    )
    assert response.status_code == 302
    assert "请一周内解决。" not in client.get(reverse("supervision:instruction_list")).content.decode()
    everything = client.get(reverse("supervision:instruction_list"), {"answered": ""}).content.decode()
    assert "已召开协调会，指标已调剂" in everything


def test_the_bureau_records_an_instruction_for_a_named_leader(towns, client):
    client.force_login(towns.bureau)
    url = reverse("supervision:instruct", args=[towns.extra["pb"].pk])
    response = client.post(url, {"text": "请加快推进。", "written_on": "2025-10-09"})
    assert response.status_code == 200 and "请选择批示领导" in response.content.decode()
    client.post(url, {"text": "请加快推进。", "written_on": "2025-10-09", "leader_name": "王市长"})
    assert Instruction.objects.get().leader_display == "王市长"


def test_the_closure_table_shows_each_towns_rate(towns, client):
    close_problem(towns.officer_a, towns.extra["a"], satisfaction="satisfied", note="已解决", day=D(2025, 10, 10))
    client.force_login(towns.bureau)
    page = client.get(
        reverse("supervision:closure"), {"unit": towns.county.pk, "start": "2025-10-01", "end": "2025-10-31"}
    ).content.decode()
    assert "示范县（合计）" in page and "50.0%" in page and "100.0%" in page and "0.0%" in page
    client.force_login(towns.officer_a)
    page = client.get(reverse("supervision:closure"), {"start": "2025-10-01", "end": "坏日期"}).content.decode()
    assert "城关镇（合计）" in page and "无法识别的日期「坏日期」" in page
    assert "河口镇" not in page


def test_the_home_page_shows_my_open_problems(towns, client):
    client.force_login(towns.officer_a)
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="my-problems"' in page and "城关镇用地问题" in page and "河口镇供电问题" not in page
    mine = client.get(reverse("supervision:mine")).content.decode()
    assert "城关镇用地问题" in mine and "河口镇供电问题" not in mine


def test_the_leader_home_shows_escalated_problems_only_when_there_are_some(towns, client):
    client.force_login(towns.leader)
    assert 'data-testid="my-problems"' not in client.get(reverse("core:home")).content.decode()
    escalate_overdue(D(2025, 10, 20))
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="my-problems"' in page and "城关镇用地问题" in page


def test_instructions_on_the_project_page(towns, client):
    write_instruction(towns.leader, Instruction(project=towns.extra["pa"], text="请抓紧落实用地。"))
    client.force_login(towns.officer_a)
    page = client.get(reverse("projects:detail", args=[towns.extra["pa"].pk])).content.decode()
    assert "请抓紧落实用地。" in page and "未回复" in page


def test_an_escalated_problem_shows_red_with_the_systems_note(towns, client):
    escalate_overdue(D(2025, 10, 20))
    client.force_login(towns.officer_a)
    page = client.get(reverse("supervision:detail", args=[towns.extra["a"].pk])).content.decode()
    assert 'data-testid="escalated"' in page and "alert-danger" in page
    assert "系统" in page and "逾期升级" in page and "已逾期 6 个工作日" in page  # 13–17 and 20 October


def test_the_same_problem_and_instruction_forms_saved_from_two_windows_create_one_each(towns):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(towns.officer_a)
    second.force_login(towns.officer_a)
    url = reverse("supervision:create", args=[towns.extra["pa"].pk])
    data = form_data(token=first.get(url).context["form"]["token"].value())
    first.post(url, data)
    response = second.post(url, data)
    problem = Problem.objects.get(description__startswith="环评批复")
    assert response["Location"] == reverse("supervision:detail", args=[problem.pk])

    first.force_login(towns.leader)
    second.force_login(towns.leader)
    url = reverse("supervision:instruct", args=[towns.extra["pa"].pk])
    token = first.get(url).context["form"]["token"].value()
    data = {"problem": problem.pk, "text": "请一周内解决。", "written_on": "2025-10-09", "token": token}
    first.post(url, data)
    second.post(url, data)
    assert Instruction.objects.count() == 1
