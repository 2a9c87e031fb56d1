"""Send the e-mails and robot messages that are due: new ones that could not go right
after their action, and retries. Meant for a timer every minute (docs/deploy.md);
idempotent, and two runs at once do not send a message twice (each row is claimed)."""

from django.core.management.base import BaseCommand

from zhaoshang.core.context import RequestContext, reset_context, set_context
from zhaoshang.notifications.services import send_due


class Command(BaseCommand):
    help = "发送待发的邮件和群机器人消息（失败的按间隔重试）"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="本次最多发送多少条（默认 500）")

    def handle(self, *args, limit, **options):
        token = set_context(RequestContext(source="command"))
        try:
            result = send_due(limit=limit)
        finally:
            reset_context(token)
        self.stdout.write(f"已发送 {result.sent} 条，待重试 {result.retrying} 条，放弃 {result.failed} 条。")
