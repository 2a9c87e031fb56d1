"""Release an account's binding to a unified-identity-platform identity (accounts/sso.py),
for a person whose platform identity was really replaced; the next platform sign-in with the
account's user name binds again. Audited."""

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.accounts.models import User
from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditLog


class Command(BaseCommand):
    help = "解除账号与统一身份认证身份的绑定（下次统一身份认证登录时重新绑定）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="本系统的用户名")
        parser.add_argument("--reason", required=True, help="解除原因，写入审计日志")

    def handle(self, *args, username, reason, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为「{username}」的账号。")
        if user.sso_subject is None:
            self.stdout.write(f"账号「{username}」尚未绑定统一身份认证身份，无需解除。")
            return
        user.sso_subject = None
        user.save()
        AuditLog.record(AuditAction.ROLE_CHANGE, user, detail=f"解除统一身份认证绑定：{reason}"[:500])
        self.stdout.write(f"已解除账号「{username}」的统一身份认证绑定。")
