"""Load drill (issue 13 item 14): 50 simulated users on the embedded default, 20 % writing.

Against the demo city that ``scripts/start`` serves (gunicorn + worker on SQLite):

    scripts/start &                                   # wait for "serving on …"
    .venv/bin/pip install -r bench/requirements.txt   # locust, for the bench only
    .venv/bin/locust -f bench/locustfile.py --headless -u 50 -r 5 -t 3m \\
        --host http://127.0.0.1:8000 --csv bench/out/load

Readers (the bureau, a leader, town and county officers) open the pages they use every day;
writers (town officers) add follow-up records to their own projects, each with a one-time
token as the form does. locust prints p50/p95/p99 per page and the failures; a failure is any
answer but the expected one (a 500, a 503 「系统繁忙」, a refused write). Loopback only; the
run ends by itself after ``-t``.
"""

import os
import random
import re
import uuid

from locust import HttpUser, between, task

PASSWORD = os.environ.get("ZHAOSHANG_DEMO_PASSWORD", "Demo@2026zs")
READERS = ["demo_bureau", "demo_leader", "demo_county", "demo_town_a", "demo_town_b", "demo_zone"]
WRITERS = ["demo_town_a", "demo_town_b", "demo_zone"]
PROJECT_LINK = re.compile(r'href="/projects/(\d+)/"')


class SignedIn(HttpUser):
    abstract = True
    accounts: list[str] = []

    def on_start(self):
        self.client.get("/accounts/login/", name="登录页")
        token = self.client.cookies.get("zs_csrftoken", "")
        self.client.post(
            "/accounts/login/",
            {"username": random.choice(self.accounts), "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="登录",
        )
        listing = self.client.get("/projects/", name="项目库").text
        self.projects = PROJECT_LINK.findall(listing) or []


class Reader(SignedIn):
    """Opens the everyday pages, with a few seconds between clicks."""

    weight = 4
    wait_time = between(1, 4)
    accounts = READERS

    @task(3)
    def home(self):
        self.client.get("/", name="工作台")

    @task(3)
    def project_list(self):
        self.client.get("/projects/", name="项目库")

    @task(2)
    def project_list_filtered(self):
        self.client.get("/projects/?stage=signed", name="项目库（已签约）")

    @task(2)
    def project_page(self):
        if self.projects:
            self.client.get(f"/projects/{random.choice(self.projects)}/", name="项目详情")

    @task(2)
    def dashboard(self):
        self.client.get("/dashboard/", name="驾驶舱")

    @task(1)
    def statistics(self):
        self.client.get("/stats/", name="统计报表")

    @task(1)
    def bell(self):
        self.client.get("/notifications/bell/", name="消息铃铛")


class Writer(SignedIn):
    """A town officer recording follow-ups on their own projects."""

    weight = 1
    wait_time = between(1, 3)
    accounts = WRITERS

    @task
    def add_follow_up(self):
        if not self.projects:
            return
        project = random.choice(self.projects)
        data = {
            "date": "2026-11-20",
            "kind": "call",
            "content": f"压测记录 {uuid.uuid4().hex[:8]}",
            "token": uuid.uuid4().hex,
            "csrfmiddlewaretoken": self.client.cookies.get("zs_csrftoken", ""),
        }
        with self.client.post(
            f"/projects/{project}/follow-ups/", data, name="新增跟踪记录", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"answered {response.status_code}")
