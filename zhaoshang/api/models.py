"""API tokens and remembered POSTs (Idempotency-Key).

A token is shown once, at creation; only its SHA-256 digest is stored, so a copy of the
database cannot be used to call the API. The short prefix stays readable: it is what the
owner, the system admin and the audit log name the token by.
"""

import ipaddress

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhaoshang.accounts.choices import Role
from zhaoshang.api.choices import scope_label
from zhaoshang.core.access import AccessRule, _role
from zhaoshang.core.choices import Action
from zhaoshang.core.models import AuditedModel, RestrictedManager


class TokenRule(AccessRule):
    """A token is its owner's; the system admin sees and revokes any (not its secret,
    which nobody can see after creation); nobody else sees one."""

    def allows(self, user, action):
        role = _role(user)
        return role is not None and action in (Action.VIEW, Action.ADD, Action.CHANGE)

    def filter(self, queryset, user, action):
        if not self.allows(user, action):
            return queryset.none()
        if user.role == Role.SYSADMIN:
            return queryset
        return queryset.filter(user=user)


class ApiToken(AuditedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="所属用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=100, help_text="用途，例如：县大数据局数据共享平台")
    prefix = models.CharField("令牌前缀", max_length=16, unique=True)
    digest = models.CharField("摘要", max_length=64, unique=True)
    scopes = models.JSONField("权限范围", default=list)
    expires_at = models.DateTimeField("有效期至")
    allowed_networks = models.TextField(
        "允许的来源地址", blank=True, help_text="每行一个 IP 或网段（CIDR），例如 10.12.0.0/16；留空则不限。"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True)
    last_used_ip = models.GenericIPAddressField("最近使用地址", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="吊销人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    access = TokenRule()
    audit_masked_fields = ("digest",)
    # Written on use (at most once a minute) without an audit row: the log would fill with
    # "last used" rows, and the use itself is what the audit log records when it writes.
    audit_ignored_fields = ("last_used_at", "last_used_ip")

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def status_label(self) -> str:
        if self.is_revoked:
            return "已吊销"
        if self.is_expired:
            return "已过期"
        return "有效"

    @property
    def scope_labels(self) -> list[str]:
        return [scope_label(scope) for scope in self.scopes]

    def networks(self) -> list:
        return [
            ipaddress.ip_network(line.strip(), strict=False)
            for line in self.allowed_networks.replace(",", "\n").splitlines()
            if line.strip()
        ]

    def allows_ip(self, ip: str | None) -> bool:
        networks = self.networks()
        if not networks:
            return True
        if not ip:
            return False
        address = ipaddress.ip_address(ip)
        return any(address in network for network in networks)

    def has_scope(self, app: str, level: str) -> bool:
        """``write`` on an app includes reading it."""
        if level == "read":
            return f"{app}:read" in self.scopes or f"{app}:write" in self.scopes
        return f"{app}:{level}" in self.scopes


class IdempotentRequestRule(AccessRule):
    """Remembered answers are the token owner's own; read only by the API itself."""

    def allows(self, user, action):
        return _role(user) is not None

    def filter(self, queryset, user, action):
        return queryset.filter(token__user=user) if self.allows(user, action) else queryset.none()


class IdempotentRequest(models.Model):
    """The first answer to a POST sent with an ``Idempotency-Key``, replayed to retries.

    Unique per (token, key): a retry racing the first request waits for its transaction
    (SQLite's IMMEDIATE transaction, PostgreSQL's unique index) and then finds its answer.
    Not audited: the record the POST made has its own audit row.
    """

    token = models.ForeignKey(ApiToken, verbose_name="令牌", on_delete=models.CASCADE, related_name="+")
    key = models.CharField("幂等键", max_length=100)
    request_hash = models.CharField("请求摘要", max_length=64)
    status_code = models.PositiveSmallIntegerField("状态码", default=0)
    response = models.JSONField("应答", default=dict)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    access = IdempotentRequestRule()
    objects = RestrictedManager()

    class Meta:
        verbose_name = "幂等请求"
        verbose_name_plural = "幂等请求"
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="api_idempotency_unique_key")]

    def __str__(self):
        return self.key
