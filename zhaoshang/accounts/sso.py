"""Single sign-on with the government's unified identity platform (统一身份认证) over OpenID
Connect, on mozilla-django-oidc.

The platform proves who someone is; Zhaoshang still decides what they may do. A person
signs in through the platform only if an active account with the same user name already
exists here (the claim is set by ``ZHAOSHANG_OIDC_USERNAME_CLAIM``): no account is created
from a token, and roles, units and names are kept as the system admin set them. A refusal is
audited like a failed password login.
"""

import logging

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditLog

logger = logging.getLogger("zhaoshang.security")


def enabled() -> bool:
    return bool(getattr(settings, "ZHAOSHANG_OIDC_ENABLED", False))


class UnifiedIdentityBackend(OIDCAuthenticationBackend):
    """Matches the platform's user to an existing account by user name; never creates one."""

    def _username(self, claims) -> str:
        return str(claims.get(settings.ZHAOSHANG_OIDC_USERNAME_CLAIM) or "").strip()

    def verify_claims(self, claims):
        return bool(self._username(claims))

    def filter_users_by_claims(self, claims):
        username = self._username(claims)
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=username)

    def create_user(self, claims):
        return None  # accounts are opened by the system admin, never from a token

    def update_user(self, user, claims):
        return user  # names, roles and units are managed here, not by the platform

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None or not user.is_active or user.is_service_account:
            claims = payload or {}
            name = self._username(claims) or str(claims.get("sub", ""))
            reason = (
                "本系统没有对应的账号"
                if user is None
                else "服务账号不能登录页面"
                if user.is_service_account
                else "账号已停用"
            )
            AuditLog.record(AuditAction.LOGIN_FAILED, username=name[:150], detail=f"统一身份认证登录被拒绝：{reason}")
            logger.warning("oidc login refused for %r: %s", name, reason)
            return None
        return user
