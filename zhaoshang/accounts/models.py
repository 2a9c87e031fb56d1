"""Units (the organisation tree) and users."""

import base64
import re
import secrets
import time
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin
from django_otp.oath import TOTP

from zhaoshang.accounts.choices import Role, UnitType
from zhaoshang.core.access import AccountRule, OrganisationRule
from zhaoshang.core.fields import EncryptedTextField
from zhaoshang.core.models import AuditedModel, AuditedQuerySet, VersionedModel

SERVICE_ACCOUNT_ROLE_MESSAGE = "服务账号不能是系统管理员：账号和权限只能由系统管理员本人在页面上管理。"
UNIT_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


class UnitQuerySet(AuditedQuerySet):
    def active(self):
        return self.filter(active=True)

    def subtree(self, unit):
        """``unit`` and every unit below it."""
        return self.filter(path__startswith=unit.path)


class Unit(VersionedModel, AuditedModel):
    """A responsible unit: the city, a county, a town, a department, a zone, a team.

    Units form a tree. ``path`` is the chain of codes from the root ("SFS/SFX/SFX-CG/"),
    kept by ``save``, so that a subtree is one indexed prefix query at any depth: a
    province has ~3,000 units and the scope of every read depends on it.
    """

    code = models.CharField(
        "单位编码",
        max_length=40,
        unique=True,
        help_text="字母、数字、短横线或下划线，例如 SFX-CG。",
    )
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    type = models.CharField("单位类型", max_length=20, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField("路径", max_length=1000, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)
    aliases = models.JSONField(
        "别名",
        default=list,
        blank=True,
        help_text="台账中可能出现的其他写法，例如「城关镇人民政府」。",
    )
    # The aliases as plain text: JSON stores Chinese escaped, which a LIKE cannot find.
    alias_text = models.CharField("别名（检索用）", max_length=1000, blank=True, editable=False)
    division = models.ForeignKey(
        "reference.Division",
        verbose_name="行政区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    sort_order = models.IntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    access = OrganisationRule("path")
    objects = models.Manager.from_queryset(UnitQuerySet)()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]

    choice_label_fields = ("name",)  # as __str__, for FastSelect's plain rows

    def __str__(self):
        return self.name

    def clean(self):
        if self.code and not UNIT_CODE_PATTERN.match(self.code):
            raise ValidationError({"code": "单位编码只能包含字母、数字、短横线和下划线，最长 40 位。"})
        if self.parent_id and self.pk:
            parent = self.parent
            if parent.pk == self.pk or parent.path.startswith(self.path or "\0"):
                raise ValidationError({"parent": "上级单位不能是本单位或其下级单位。"})
        self.aliases = normalise_aliases(self.aliases)

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.code}/"

    def save(self, *args, **kwargs):
        old_path = self.path
        self.aliases = normalise_aliases(self.aliases)
        self.alias_text = "；".join(self.aliases)
        self.path = self.compute_path()
        self.depth = self.path.count("/") - 1
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Moving or renaming a unit moves its subtree; each save is audited.
                for child in Unit.objects.filter(parent=self).order_by("path"):
                    child.save()

    def ancestors(self):
        codes = self.path.strip("/").split("/")[:-1]
        by_code = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
        return [by_code[code] for code in codes if code in by_code]

    def is_within(self, other: "Unit") -> bool:
        """True when this unit is ``other`` or lies below it."""
        return self.path.startswith(other.path)


def normalise_aliases(value) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[;；,，、\n]+", value)
    seen: list[str] = []
    for alias in value or []:
        alias = str(alias).strip()
        if alias and alias not in seen:
            seen.append(alias)
    return seen


class ZhaoshangUserManager(UserManager):
    def get_queryset(self):
        return AuditedQuerySet(self.model, using=self._db)

    def restrict(self, user, action="view"):
        return self.get_queryset().restrict(user, action)

    def _create_user(self, username, email, password, **extra_fields):
        extra_fields.setdefault("role", Role.OFFICER)
        return super()._create_user(username, email, password, **extra_fields)

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # There is no all-powerful account: `createsuperuser` makes a system admin,
        # who manages users and units but sees no business data (三权分立).
        extra_fields["role"] = Role.SYSADMIN
        return self._create_user(username, email, password, **extra_fields)


class User(VersionedModel, AuditedModel, AbstractUser):
    """A person who signs in. Exactly one role; a unit for leaders, bureau and officers."""

    name = models.CharField("姓名", max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    phone = models.CharField("手机号", max_length=20, blank=True)
    title = models.CharField("职务", max_length=50, blank=True)
    is_demo = models.BooleanField("演示账号", default=False)
    # A machine client (the data-sharing platform, a town's own tool): it acts only through
    # API tokens the system admin issues, never signs in on the pages (accounts.backends).
    is_service_account = models.BooleanField(
        "服务账号", default=False, help_text="供其他系统通过 API 令牌调用本平台，不能登录页面；令牌由系统管理员签发。"
    )
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    sso_subject = models.CharField(
        "统一身份认证标识",
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="首次通过统一身份认证登录时绑定的用户标识（sub），此后只接受同一身份。",
    )

    audit_masked_fields = ("password",)
    audit_ignored_fields = ("last_login",)
    access = AccountRule("unit__path")
    objects = ZhaoshangUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["unit__path", "username"]

    def __str__(self):
        return self.name or self.username

    def clean(self):
        super().clean()
        if self.role in (Role.LEADER, Role.BUREAU, Role.OFFICER) and not self.unit_id:
            raise ValidationError({"unit": "领导、招商局和单位填报员必须属于一个单位。"})
        if self.is_service_account and self.role == Role.SYSADMIN:
            # Managing accounts stays with people: a token that creates users and roles
            # would be a system admin nobody signs in as (三权分立).
            raise ValidationError({"role": SERVICE_ACCOUNT_ROLE_MESSAGE})

    def save(self, *args, **kwargs):
        # No Django superuser or staff flags: every power comes from the one role.
        self.is_superuser = False
        self.is_staff = False
        super().save(*args, **kwargs)

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""

    @property
    def masked_phone(self) -> str:
        from zhaoshang.core.masking import mask_phone

        return mask_phone(self.phone)


class RecoveryCode(models.Model):
    """One recovery code of a user's second factor, stored as a SHA-256 digest; works once.

    Not audited row by row (the digests mean nothing to a reader): generating, using and
    removing codes each write one audit row in ``accounts.mfa``."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField("摘要", max_length=64)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "恢复码"
        verbose_name_plural = "恢复码"
        indexes = [models.Index(fields=["user", "digest"], name="recovery_user_digest")]

    def __str__(self):
        return f"{self.user} 的恢复码"


# The authenticator apps' settings (RFC 6238 as every app reads it): 30-second steps, six
# digits, one step of clock difference either way.
TOTP_STEP_SECONDS = 30
TOTP_DIGITS = 6
TOTP_TOLERANCE_STEPS = 1


def new_totp_secret() -> str:
    return secrets.token_hex(20)  # 160 bits, RFC 4226's recommended length


class Authenticator(ThrottlingMixin, Device):
    """A user's authenticator app (the second factor, accounts/mfa.py).

    Its shared secret is what makes a six-digit code proof of the phone: whoever has it can
    produce every future code. django-otp's own TOTP device keeps it as plain hex in the
    database, so a copy of the database or a backup would hand out everyone's second factor;
    here it is encrypted at rest with the keys that protect the robots' secrets
    (core/crypto.py, rotated by ``rotate_secrets``). Codes are checked with django-otp's
    RFC 6238 arithmetic (``django_otp.oath.TOTP``) and its throttling after wrong codes.
    """

    secret = EncryptedTextField("共享密钥", default=new_totp_secret, editable=False)
    last_step = models.BigIntegerField("最近验证的时间步", default=-1, editable=False)
    drift = models.SmallIntegerField("时钟偏差（时间步）", default=0, editable=False)

    class Meta:
        verbose_name = "身份验证器"
        verbose_name_plural = "身份验证器"

    @property
    def bin_key(self) -> bytes:
        return bytes.fromhex(self.secret)

    def _totp(self) -> TOTP:
        totp = TOTP(self.bin_key, TOTP_STEP_SECONDS, 0, TOTP_DIGITS, self.drift)
        totp.time = time.time()
        return totp

    def verify_token(self, token) -> bool:
        """Whether ``token`` is the current code; a code is accepted once (no replay: only a
        later step than the last accepted one counts), wrong codes are throttled."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        verified = False
        if str(token).isdigit():
            totp = self._totp()
            verified = totp.verify(int(token), TOTP_TOLERANCE_STEPS, self.last_step + 1)
            if verified:
                self.last_step = totp.t()
                self.drift = totp.drift  # follow a phone whose clock runs a step off
                self.throttle_reset(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    def get_throttle_factor(self):
        return settings.OTP_TOTP_THROTTLE_FACTOR

    @property
    def config_url(self) -> str:
        """The otpauth:// address an authenticator app reads from the QR code."""
        issuer = settings.OTP_TOTP_ISSUER.replace(":", "")
        label = quote(f"{issuer}:{self.user.get_username()}")
        query = urlencode(
            {
                "secret": base64.b32encode(self.bin_key).decode().rstrip("="),
                "algorithm": "SHA1",
                "digits": TOTP_DIGITS,
                "period": TOTP_STEP_SECONDS,
            }
        )
        return f"otpauth://totp/{label}?{query}&issuer={quote(issuer)}"
