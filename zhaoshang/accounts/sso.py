"""Single sign-on with the government's unified identity platform (统一身份认证) over OpenID
Connect, on mozilla-django-oidc.

The platform proves who someone is; Zhaoshang still decides what they may do. A person
signs in through the platform only if an active account with the same user name already
exists here (the claim is set by ``ZHAOSHANG_OIDC_USERNAME_CLAIM``): no account is created
from a token, and roles, units and names are kept as the system admin set them. A refusal is
audited like a failed password login.

A user name at the platform can change hands (a retired officer's name given to a newcomer,
an administrator's typo), so the name alone only finds the account the first time: that
sign-in binds the platform's own never-reused identifier (the ``sub`` claim) to the account,
audited, and from then on the account opens only for that identifier. The system admin
releases a binding with ``manage.py sso_unbind USERNAME`` when a person's platform identity
is really replaced.
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

    refusal = ""

    def filter_users_by_claims(self, claims):
        username = self._username(claims)
        subject = str(claims.get("sub") or "").strip()
        if not username or not subject:
            return self.UserModel.objects.none()
        users = self.UserModel.objects.filter(username=username)
        account = users.first()
        if account is not None and account.sso_subject not in (None, subject):
            self.refusal = "该账号已绑定另一个统一身份认证身份"
            return self.UserModel.objects.none()
        if self.UserModel.objects.filter(sso_subject=subject).exclude(username=username).exists():
            self.refusal = "该统一身份认证身份已绑定本系统的另一个账号"
            return self.UserModel.objects.none()
        return users

    def create_user(self, claims):
        return None  # accounts are opened by the system admin, never from a token

    def update_user(self, user, claims):
        # Names, roles and units are managed here, not by the platform; only the first
        # sign-in's identifier is kept, to recognise the same person next time.
        if user.sso_subject is None and not user.is_service_account:
            user.sso_subject = str(claims.get("sub")).strip()
            user.save()
            AuditLog.record(
                AuditAction.ROLE_CHANGE, user, user=user, detail="首次通过统一身份认证登录，绑定统一身份认证身份"
            )
        return user

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None or not user.is_active or user.is_service_account:
            claims = payload or {}
            name = self._username(claims) or str(claims.get("sub", ""))
            reason = self.refusal or (
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
