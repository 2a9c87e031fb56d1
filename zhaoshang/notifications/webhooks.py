"""Group robots: check an address, sign and post a message, mask the credentials.

DingTalk (钉钉自定义机器人): the address carries ``access_token``; with 加签 the robot wants
``timestamp`` (ms) and ``sign`` = URL-encoded base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))
as query parameters. WeCom (企业微信群机器人): the ``key`` in the address is the credential;
no signature. Generic: the JSON below, signed with the secret in ``X-Zhaoshang-Signature``.

Against SSRF (a robot address pointing at the intranet): http(s) only, no user:password@,
the host must be in ``WEBHOOK_ALLOWED_HOSTS`` (checked when saved and again before each
send), redirects are not followed, and every request has a timeout.
"""

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from zhaoshang.notifications.choices import NotificationKind, WebhookKind

logger = logging.getLogger(__name__)

BODY_LIMIT = 1500  # characters of body text in a robot message (WeCom allows 4096 bytes)
SITE_NAME = "招商引资综合管理平台"  # in every message, so a DingTalk 关键词 of "招商" matches


class DeliveryError(Exception):
    """A message that did not go out, with a reason in Chinese that names no credential;
    ``status`` is the HTTP status the other side answered, when it answered."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str = ""
    url: str = ""  # a path inside the site; made absolute with SITE_URL
    unit_name: str = ""


def allowed_hosts() -> list[str]:
    return [host.strip().lower() for host in settings.WEBHOOK_ALLOWED_HOSTS if host.strip()]


def check_url(url: str, kind: str, *, noun: str = "群机器人") -> None:
    """Refuse an address the application must not post to, with a reason in Chinese.
    ``noun`` names what posts there (群机器人, or the outbound webhooks' 订阅)."""
    url = (url or "").strip()
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError("Webhook 地址格式不正确。") from None
    if parts.scheme not in ("http", "https"):
        raise ValidationError("Webhook 地址只能以 https:// 或 http:// 开头。")
    if not parts.hostname:
        raise ValidationError("Webhook 地址缺少主机名。")
    if parts.username or parts.password:
        raise ValidationError("Webhook 地址中不能包含用户名或密码。")
    host = parts.hostname.lower()
    allowed = allowed_hosts()
    if host not in allowed and f"{host}:{port}" not in allowed:
        shown = "、".join(allowed) or "（无）"
        raise ValidationError(
            f"出于安全考虑，{noun}只能发送到允许的主机：{shown}；「{host}」不在其中。"
            "如确需使用，请联系负责服务器的运维人员，把该主机加入服务器配置中的允许名单。"
        )
    query = urllib.parse.parse_qs(parts.query)
    if kind == WebhookKind.DINGTALK and not query.get("access_token"):
        raise ValidationError("钉钉机器人的地址应包含 access_token 参数（在钉钉群设置 → 机器人中复制完整地址）。")
    if kind == WebhookKind.WECOM and not query.get("key"):
        raise ValidationError("企业微信机器人的地址应包含 key 参数（在群机器人信息中复制完整地址）。")


def mask_secret(secret: str) -> str:
    if not secret:
        return ""
    return f"{secret[:3]}******" if len(secret) > 8 else "******"


def _mask_value(value: str) -> str:
    return f"{value[:4]}****{value[-2:]}" if len(value) > 10 else "****"


def mask_url(url: str) -> str:
    """The address with its tokens hidden: host and path stay recognisable."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "******"
    query = urllib.parse.urlencode(
        [(name, _mask_value(value)) for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)],
        safe="*",
    )
    segments = parts.path.split("/")
    if segments and len(segments[-1]) >= 16:  # a token carried in the path (generic hooks)
        segments[-1] = _mask_value(segments[-1])
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, "/".join(segments), query, ""))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64(HMAC-SHA256 over "timestamp\\nsecret", keyed by the secret)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def signed_dingtalk_url(url: str, secret: str, timestamp_ms: int) -> str:
    sign = urllib.parse.quote_plus(dingtalk_sign(secret, timestamp_ms))
    separator = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={sign}"


def absolute(url: str) -> str:
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL.rstrip('/')}{url}"


def _kind_label(kind: str) -> str:
    return dict(NotificationKind.choices).get(kind, "通知")


def _body(message: Message) -> str:
    body = message.body.strip()
    return body if len(body) <= BODY_LIMIT else body[: BODY_LIMIT - 1] + "…"


def payload(kind: str, message: Message, timestamp_ms: int) -> dict:
    """The JSON a robot of ``kind`` expects."""
    label = _kind_label(message.kind)
    link = absolute(message.url)
    footer = f"{message.unit_name} · {SITE_NAME}" if message.unit_name else SITE_NAME
    if kind == WebhookKind.DINGTALK:
        lines = [f"#### 【{label}】{message.title}"]
        if message.body:
            lines.append(_body(message))
        if link:
            lines.append(f"[查看详情]({link})")
        lines.append(f"> {footer}")
        return {"msgtype": "markdown", "markdown": {"title": f"【{label}】{message.title}", "text": "\n\n".join(lines)}}
    if kind == WebhookKind.WECOM:
        lines = [f"**【{label}】{message.title}**"]
        if message.body:
            lines.append(_body(message))
        if link:
            lines.append(f"[查看详情]({link})")
        lines.append(f'<font color="comment">{footer}</font>')
        return {"msgtype": "markdown", "markdown": {"content": "\n".join(lines)}}
    return {
        "source": SITE_NAME,
        "kind": message.kind,
        "kind_label": label,
        "title": message.title,
        "body": message.body,
        "url": link,
        "unit": message.unit_name,
        "timestamp": timestamp_ms,
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could lead from an allowed host to an internal one: refuse it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, "redirect refused", headers, fp)


_opener = urllib.request.build_opener(_NoRedirect)


def _open(request: urllib.request.Request, timeout: float):
    return _opener.open(request, timeout=timeout)


def post(webhook, message: Message) -> None:
    """Post ``message`` to ``webhook``; raises DeliveryError with a reason in Chinese."""
    try:
        check_url(webhook.url, webhook.kind)
    except ValidationError as error:
        raise DeliveryError("；".join(error.messages)) from None
    timestamp_ms = int(time.time() * 1000)
    url = webhook.url.strip()
    data = json.dumps(payload(webhook.kind, message, timestamp_ms), ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "zhaoshang-notify/1"}
    if webhook.kind == WebhookKind.DINGTALK and webhook.secret:
        url = signed_dingtalk_url(url, webhook.secret, timestamp_ms)
    elif webhook.kind == WebhookKind.GENERIC and webhook.secret:
        signed = f"{timestamp_ms}.".encode() + data
        headers["X-Zhaoshang-Timestamp"] = str(timestamp_ms)
        headers["X-Zhaoshang-Signature"] = (
            "sha256=" + hmac.new(webhook.secret.encode(), signed, hashlib.sha256).hexdigest()
        )
    _, text = send_json(url, data, headers, secrets=_secrets(webhook))
    if webhook.kind in (WebhookKind.DINGTALK, WebhookKind.WECOM):
        # Both robots answer 200 with {"errcode": 0, "errmsg": "ok"}; anything else is a refusal.
        try:
            answer = json.loads(text)
        except ValueError:
            raise DeliveryError("机器人的回复不是 JSON。") from None
        code = answer.get("errcode", 0) if isinstance(answer, dict) else 0
        if code not in (0, "0"):
            raise DeliveryError(
                f"机器人拒绝了消息（错误码 {code}：{_clean(str(answer.get('errmsg', '')), webhook)}）。"
            )


def send_json(
    url: str, data: bytes, headers: dict, *, secrets: list[str], timeout: int | None = None
) -> tuple[int, str]:
    """POST ``data`` to an address already checked by ``check_url``, without following a
    redirect, within ``timeout`` seconds (``WEBHOOK_TIMEOUT_SECONDS``). Returns the HTTP
    status and the start of the answer's body; raises DeliveryError (with the HTTP status when there was one) in
    Chinese, every one of ``secrets`` removed from it. The group robots and the outbound
    webhooks (zhaoshang.webhooks) both post through here."""
    timeout = timeout or settings.WEBHOOK_TIMEOUT_SECONDS
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 - checked by check_url
    try:
        with _open(request, timeout) as response:
            status = response.status
            text = response.read(65536).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"对方返回 HTTP {error.code}。", error.code) from None
    except TimeoutError:
        raise DeliveryError(f"连接超时（{timeout} 秒）。") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise DeliveryError(f"连接超时（{timeout} 秒）。") from None
        if isinstance(reason, ConnectionRefusedError):
            raise DeliveryError("连接被拒绝。") from None
        raise DeliveryError(f"网络错误：{clean(str(reason), secrets)}") from None
    except OSError as error:
        raise DeliveryError(f"网络错误：{clean(str(error), secrets)}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"对方返回 HTTP {status}。", status)
    return status, text


def _secrets(webhook) -> list[str]:
    secrets = [webhook.url.strip(), webhook.secret]
    try:
        secrets += [value for _, value in urllib.parse.parse_qsl(urllib.parse.urlsplit(webhook.url).query)]
    except ValueError:
        pass
    return secrets


def _clean(text: str, webhook) -> str:
    """An error text with every credential of the webhook removed."""
    return clean(text, _secrets(webhook))


def clean(text: str, secrets: list[str]) -> str:
    """``text`` with each of ``secrets`` (an address, a key) replaced by ******."""
    for value in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(value, "******")
    return text[:300]
