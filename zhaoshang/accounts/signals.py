"""Login, failed login and logout go to the audit log."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from zhaoshang.core.choices import AuditAction
from zhaoshang.core.context import current_context, update_context
from zhaoshang.core.models import AuditLog


def on_login(sender, request, user, **kwargs):
    # Only inside a request (its middleware resets the context afterwards). A login from
    # code outside any request (a script, a test client's force_login) must not leave
    # that user as the actor of everything the thread writes next.
    if current_context().request_id:
        update_context(user_id=user.pk, username=user.get_username())
    AuditLog.record(AuditAction.LOGIN, user, user=user)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        AuditLog.record(AuditAction.LOGOUT, user, user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")[:150]
    user = get_user_model()._base_manager.filter(username=username).first()
    AuditLog.record(AuditAction.LOGIN_FAILED, user, username=username, user=None, detail="用户名或密码错误")


def connect():
    from zhaoshang.accounts.mfa import remember_when_not_owed

    user_logged_in.connect(on_login, dispatch_uid="zhaoshang_audit_login")
    user_logged_in.connect(remember_when_not_owed, dispatch_uid="zhaoshang_second_factor_at_login")
    user_logged_out.connect(on_logout, dispatch_uid="zhaoshang_audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="zhaoshang_audit_login_failed")
