"""A local receiver: a threading HTTP server on 127.0.0.1 that records what it receives and
answers as the test says (a status, a pause), with the allowed hosts set to it."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Receiver:
    base: str = ""
    status: int = 200
    pause: float = 0.0  # seconds to wait before answering (a slow receiver)
    received: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.base}/hooks/zhaoshang"


@pytest.fixture
def receiver(settings):
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
            if state.pause:
                time.sleep(state.pause)
            try:
                self.send_response(state.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:  # the client gave up waiting
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_port}"
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.SITE_URL = "https://zs.example.gov.cn"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def subscribe(receiver):
    """``subscribe(user, unit, [event types])`` → (subscription, secret), through the service."""
    from zhaoshang.webhooks.models import Subscription
    from zhaoshang.webhooks.services import create_subscription

    def make(user, unit, event_types, *, name="县大数据平台", url=None):
        return create_subscription(
            user, Subscription(name=name, unit=unit, target_url=url or receiver.url, event_types=list(event_types))
        )

    return make
