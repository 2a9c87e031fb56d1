"""A local robot: a threading HTTP server on 127.0.0.1 that records what it receives and
answers as the test says, with the allowed hosts set to it."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Robot:
    base: str = ""
    status: int = 200
    reply: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    received: list = field(default_factory=list)
    pause: float = 0.0  # seconds before answering: a slow host (the webhooks' timeout tests)

    def url(self, path="/robot/send?access_token=tok3n-abcdef123456"):
        return f"{self.base}{path}"


@pytest.fixture
def robot(settings):
    state = Robot()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
            if state.pause:
                time.sleep(state.pause)
            data = json.dumps(state.reply).encode()
            try:
                self.send_response(state.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client stopped waiting
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_port}"
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def email_on(settings):
    settings.NOTIFY_EMAIL = True
    settings.SITE_URL = "https://zs.example.gov.cn"
    return settings


SECRET = "SECtest-secret-0123456789"


@pytest.fixture
def make_webhook():
    """``make_webhook(user, unit, url, kind=…, secret=…)``: a robot saved through the service."""
    from zhaoshang.notifications.models import UnitWebhook
    from zhaoshang.notifications.services import save_webhook

    def make(user, unit, url, *, kind="dingtalk", secret=SECRET, **fields):
        webhook = UnitWebhook(unit=unit, name="城关镇招商工作群", kind=kind, url=url, secret=secret, **fields)
        return save_webhook(user, webhook)

    return make


@pytest.fixture
def calendar(db):
    """The holiday calendar as shipped (法定节假日 and 调休)."""
    from django.core.management import call_command

    call_command("load_reference", only="holidays", verbosity=0)
