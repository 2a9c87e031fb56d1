"""Crash drill (issue 13 item 14): kill -9 the web server and the job worker in the middle of
writes, again and again, then prove that no acknowledged write is lost and the database is
sound. Run by hand; figures go to bench/README.md.

    .venv/bin/python bench/drill_kill.py                 # 5 kills, 4 writers, SQLite
    .venv/bin/python bench/drill_kill.py --rounds 10 --writers 8
    .venv/bin/python bench/drill_kill.py --backup        # also a backup → restore round trip under writes

What it does, in a fresh database under bench/out/drill/ (SQLite, WAL, as ``scripts/start``):

1. migrates, makes a town, an officer and a project;
2. starts gunicorn (2 workers, the command of ``scripts/start``) and ``manage.py run_worker``;
3. writers sign in over HTTP and add follow-up records as fast as the server answers. Each
   POST carries a one-time token; after a connection error the writer retries the same
   token, so a write that was saved before the crash opens the saved record instead of
   saving twice. A write is *acknowledged* when the server answered it with a redirect;
4. every few seconds both processes are killed with SIGKILL and started again;
5. at the end: every acknowledged follow-up is in the database exactly once,
   ``PRAGMA integrity_check`` is ok, ``rebuild_stats --check`` is clean and no job is left
   "running".

Only loopback addresses are used; every loop is bounded in count and time.
"""

import argparse
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PASSWORD = "Drill@2026zs"  # noqa: S105 (a throwaway database)

SETUP = """
import datetime
from django.utils import timezone
from zhaoshang.accounts.choices import Role, UnitType
from zhaoshang.accounts.models import Unit, User
from zhaoshang.projects.models import Project
from zhaoshang.projects.services import create_project
city = Unit.objects.create(name="演练市", code="DR", type=UnitType.CITY)
town = Unit.objects.create(name="演练镇", code="DR-T", type=UnitType.TOWN, parent=city)
officer = User(username="drill_officer", role=Role.OFFICER, unit=town, must_change_password=False)
officer.set_password("{password}")
officer.save()
project = create_project(officer, Project(name="演练项目", responsible_unit=town, stage="negotiating"), year=2026)
print(project.pk)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """The server and the worker of one drill database, started and killed as a unit."""

    def __init__(self, var: Path, port: int):
        self.var, self.port = var, port
        self.env = os.environ | {"ZHAOSHANG_VAR_DIR": str(var), "ZHAOSHANG_ALLOWED_HOSTS": "127.0.0.1"}
        self.env.pop("DATABASE_URL", None)
        self.web = self.worker = None

    def manage(self, *args, capture=False) -> str:
        result = subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=capture, text=True
        )
        return result.stdout if capture else ""

    def start(self) -> None:
        log = open(self.var / "drill.log", "a")
        self.web = subprocess.Popen(  # noqa: S603
            [GUNICORN, "zhaoshang.wsgi:application", "-b", f"127.0.0.1:{self.port}", "-w", "2", "--timeout", "120"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        self.worker = subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "run_worker"], cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 30 s; see bench/out/drill/drill.log")

    def kill(self) -> None:
        for process in (self.web, self.worker):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop(self) -> None:
        for process in (self.web, self.worker):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


class Writer(threading.Thread):
    def __init__(self, number: int, base: str, project_id: int, stop: threading.Event, deadline: float):
        super().__init__(daemon=True)
        self.number, self.base, self.project_id, self.stop, self.deadline = number, base, project_id, stop, deadline
        self.acknowledged: list[str] = []
        self.retried = 0

    def _session(self) -> requests.Session:
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            try:
                session = requests.Session()
                session.get(f"{self.base}/accounts/login/", timeout=10)
                response = session.post(
                    f"{self.base}/accounts/login/",
                    data={
                        "username": "drill_officer",
                        "password": PASSWORD,
                        "csrfmiddlewaretoken": session.cookies.get("zs_csrftoken", ""),
                    },
                    allow_redirects=False,
                    timeout=10,
                )
                if response.status_code == 302:
                    return session
            except requests.RequestException:
                pass
            time.sleep(0.3)
        return None

    def run(self) -> None:
        session = self._session()
        count = 0
        while session is not None and not self.stop.is_set() and time.monotonic() < self.deadline:
            marker = f"drill-{self.number}-{count}"
            token = uuid.uuid4().hex
            data = {"date": "2026-11-20", "kind": "call", "content": marker, "token": token}
            for attempt in range(60):  # the same token until the server answers (≤ ~30 s)
                try:
                    data["csrfmiddlewaretoken"] = session.cookies.get("zs_csrftoken", "")
                    response = session.post(
                        f"{self.base}/projects/{self.project_id}/follow-ups/",
                        data=data,
                        allow_redirects=False,
                        timeout=10,
                    )
                except requests.RequestException:
                    self.retried += attempt == 0
                    time.sleep(0.5)
                    continue
                if response.status_code == 302 and "/accounts/login/" in response.headers.get("Location", ""):
                    session = self._session()  # a killed server may have lost nothing, but re-sign in to be sure
                    continue
                if response.status_code == 302:
                    self.acknowledged.append(marker)
                break
            count += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="how many times to kill both processes")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=4.0, help="seconds of writing between kills (random ±50 %%)")
    parser.add_argument("--backup", action="store_true", help="also back up and restore while writers run")
    args = parser.parse_args()

    var = ROOT / "bench" / "out" / "drill"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    site = Site(var, free_port())
    print("准备演练数据库 / preparing the drill database …", flush=True)
    site.manage("migrate", "--noinput", "-v", "0")
    site.manage("collectstatic", "--noinput", "-v", "0")
    project_id = int(site.manage("shell", "-c", SETUP.format(password=PASSWORD), capture=True).strip().splitlines()[-1])

    site.start()
    stop = threading.Event()
    deadline = time.monotonic() + args.rounds * args.seconds * 2 + 120
    writers = [Writer(n, f"http://127.0.0.1:{site.port}", project_id, stop, deadline) for n in range(args.writers)]
    for writer in writers:
        writer.start()
    backup_rows = None
    try:
        for round_number in range(1, args.rounds + 1):
            time.sleep(args.seconds * random.uniform(0.5, 1.5))
            if args.backup and round_number == 1:
                target = var / "backup.sqlite3"
                site.manage("backup", str(target))
                restored = var / "restored"
                restored.mkdir()
                env = site.env | {"ZHAOSHANG_VAR_DIR": str(restored)}
                subprocess.run(  # noqa: S603
                    [PYTHON, "manage.py", "restore", str(target), "--yes"], cwd=ROOT, env=env, check=True
                )
                with sqlite3.connect(restored / "zhaoshang.sqlite3") as db:
                    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                    backup_rows = db.execute("SELECT count(*) FROM projects_followup").fetchone()[0]
                print(f"备份→恢复 / backup → restore under writes: integrity ok, {backup_rows} follow-ups", flush=True)
            acknowledged = sum(len(w.acknowledged) for w in writers)
            print(f"第{round_number}次 kill -9（已确认写入 {acknowledged} 条）/ kill {round_number}", flush=True)
            site.kill()
            time.sleep(random.uniform(0.2, 1.0))
            site.start()
        time.sleep(args.seconds)
    finally:
        stop.set()
        for writer in writers:
            writer.join(timeout=40)
        site.stop()

    acknowledged = [marker for writer in writers for marker in writer.acknowledged]
    with sqlite3.connect(var / "zhaoshang.sqlite3") as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        stored = [row[0] for row in db.execute("SELECT content FROM projects_followup WHERE content LIKE 'drill-%'")]
        running = db.execute("SELECT count(*) FROM core_job WHERE status = 'running'").fetchone()[0]
    counts = {}
    for content in stored:
        counts[content] = counts.get(content, 0) + 1
    lost = [marker for marker in acknowledged if marker not in counts]
    doubled = [content for content, n in counts.items() if n > 1]
    check = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "rebuild_stats", "--check"], cwd=ROOT, env=site.env, capture_output=True, text=True
    )
    print()
    print(f"kills: {args.rounds} (server and worker, SIGKILL); writers: {args.writers}")
    print(
        f"acknowledged writes: {len(acknowledged)}; stored: {len(stored)}; retried after a crash: "
        f"{sum(w.retried for w in writers)}"
    )
    print(f"lost acknowledged writes: {len(lost)}; saved twice: {len(doubled)}")
    print(f"PRAGMA integrity_check: {integrity}")
    print(f"rebuild_stats --check: {'clean' if check.returncode == 0 else 'DIFFERS'} {check.stdout.strip()[-200:]}")
    print(f"jobs left running: {running}")
    if backup_rows is not None:
        print(f"backup → restore under writes: integrity ok, {backup_rows} follow-ups in the copy")
    ok = not lost and not doubled and integrity == "ok" and check.returncode == 0 and running == 0
    print("结果 / result:", "通过 / passed" if ok else "未通过 / FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
