"""A town officer subscribes a local HTTP endpoint to events on the 事件推送 page, copies the
secret shown once, sends a test event and reads it in the delivery log; what arrived
verifies with that secret."""

import hashlib
import hmac
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def endpoint(settings):
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append((dict(self.headers), self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    yield f"http://127.0.0.1:{server.server_port}/hooks", received
    server.shutdown()
    server.server_close()


def test_an_officer_subscribes_sends_a_test_event_and_reads_the_log(page, personas, endpoint):
    url, received = endpoint
    sign_in(page, "officer_a", personas.password)
    page.click("nav >> text=事件推送")
    page.click("text=新增订阅")
    page.fill("#id_name", "城关镇数据平台")
    page.select_option("#id_unit", label="城关镇")
    page.fill("#id_target_url", url)
    page.check("input[value='stage.verified']")
    page.click("button:has-text('保存')")
    page.wait_for_selector("[data-testid=new-secret]")
    secret = page.input_value("[data-testid=new-secret]")
    assert secret.startswith("whsec_")
    page.click("text=我已保存，查看推送记录")
    assert "还没有推送记录" in page.content()
    page.click("button:has-text('发送测试事件')")
    page.wait_for_selector("text=已生成测试事件")
    row = page.inner_text("#object-table tbody tr")
    assert "测试事件" in row and "成功" in row
    headers, body = received[0]
    timestamp, signature = (part.split("=", 1)[1] for part in headers["X-Zhaoshang-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature, expected)
    page.goto(f"{page.base_url}/webhooks/")
    assert secret not in page.content() and "城关镇数据平台" in page.content()
    assert page.problems.errors == []
