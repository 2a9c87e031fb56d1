"""The second factor (两步验证): a TOTP authenticator app plus one-time recovery codes.

等保 level 3 asks for two kinds of proof of identity. After the password, a user with a
confirmed authenticator must enter its six-digit code (or a recovery code) before any page
opens; roles named in ``ZHAOSHANG_MFA_REQUIRED_ROLES`` must set one up first. The codes
come from ``accounts.Authenticator`` (RFC 6238, 30 s steps, django-otp's throttling after wrong
codes, the shared secret encrypted at rest); recovery codes are ours, because django-otp's static tokens are stored readable:
ours are stored as SHA-256 digests (each code carries 50 random bits, so a plain digest is
enough) and each works once. Every step writes an audit row.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login

from zhaoshang.accounts.models import Authenticator, RecoveryCode, User
from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditLog

RECOVERY_CODE_COUNT = 10
# Unambiguous capitals and digits (no 0/O, 1/I/L): read off paper and typed by hand.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
DEVICE_NAME = "身份验证器"


def required_for(user) -> bool:
    """Whether the deployment makes a second factor mandatory for this user's role."""
    return bool(user.role) and user.role in settings.ZHAOSHANG_MFA_REQUIRED_ROLES


def confirmed_device(user) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user) -> bool:
    return confirmed_device(user) is not None


def pending_device(user) -> Authenticator:
    """The unconfirmed authenticator being set up (a new secret if none is pending)."""
    device = Authenticator.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = Authenticator.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def _normalise(code: str) -> str:
    return "".join(str(code or "").split()).replace("-", "").upper()


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh recovery codes; the old ones stop working. Shown once, stored as digests."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(code)) for code in codes)
    AuditLog.record(AuditAction.MFA_CHANGE, user, detail="生成新的恢复码（旧恢复码作废）")
    return codes


@transaction.atomic
def confirm_device(request, device: Authenticator, code: str) -> list[str] | None:
    """Confirm a pending authenticator with its first code; returns the recovery codes, or
    None if the code is wrong. The session counts as verified from then on."""
    if not device.verify_token(_normalise(code)):
        AuditLog.record(AuditAction.MFA_FAILED, device.user, detail="绑定身份验证器时验证码错误")
        return None
    Authenticator.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    otp_login(request, device)
    AuditLog.record(AuditAction.MFA_CHANGE, device.user, detail="启用两步验证（绑定身份验证器）")
    return new_recovery_codes(device.user)


def verify(request, user: User, code: str) -> str | None:
    """Check a six-digit code or a recovery code for the signed-in user.

    Returns None on success, else the Chinese reason. A recovery code works once.
    """
    device = confirmed_device(user)
    if device is None:
        return "尚未绑定身份验证器。"
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        AuditLog.record(AuditAction.MFA_FAILED, user, detail="验证码错误次数过多，暂时不能验证")
        return "验证码错误次数过多，请稍后再试。"
    normalised = _normalise(code)
    if normalised.isdigit() and len(normalised) == 6:
        if device.verify_token(normalised):
            otp_login(request, device)
            return None
    else:
        with transaction.atomic():
            used = (
                RecoveryCode.objects.select_for_update()
                .filter(user=user, digest=_digest(normalised), used_at__isnull=True)
                .first()
            )
            if used is not None:
                used.used_at = timezone.now()
                used.save(update_fields=["used_at"])
                otp_login(request, device)
                left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
                AuditLog.record(AuditAction.MFA_RECOVERY, user, detail=f"使用恢复码登录（剩余 {left} 个）")
                return None
        device.throttle_increment()
    AuditLog.record(AuditAction.MFA_FAILED, user, detail="两步验证码错误")
    return "验证码错误，请输入身份验证器上的 6 位数字，或一个未用过的恢复码。"


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def remove(actor: User, user: User, *, reason: str) -> None:
    """Remove a user's authenticator and recovery codes (lost phone: the system admin, or the
    user themself where the role does not require it). Audited with the reason."""
    Authenticator.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    who = "本人" if actor.pk == user.pk else f"{actor}（{actor.role_label}）"
    AuditLog.record(AuditAction.MFA_CHANGE, user, detail=f"{who}解除两步验证：{reason}"[:500])


def otpauth_uri(device: Authenticator) -> str:
    return device.config_url


def qr_svg(device: Authenticator) -> str:
    """The otpauth URI as an inline SVG QR code (no image request, nothing from outside)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1d273b", light="#ffffff")


def secret_for_typing(device: Authenticator) -> str:
    """The shared secret in base32 groups of four, for apps without a camera."""
    import base64

    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def remember_when_not_owed(sender, request, user, **kwargs):
    """At sign-in, a user with no authenticator whose role does not require one is marked in
    the session, so no page of theirs pays a query to ask again (accounts.middleware)."""
    from zhaoshang.accounts.middleware import NO_SECOND_FACTOR_KEY

    if request is not None and hasattr(request, "session") and not required_for(user):
        if not has_second_factor(user):
            request.session[NO_SECOND_FACTOR_KEY] = True
