"""Tell the bureau, in one notification each, how many new claims wait for verification.
Meant for a timer every 15 minutes (docs/deploy.md); idempotent."""

from django.core.management.base import BaseCommand

from zhaoshang.core.context import RequestContext, reset_context, set_context
from zhaoshang.review.services import send_review_digest


class Command(BaseCommand):
    help = "汇总新的待审核填报，通知招商局（每人一条未读消息）"

    def handle(self, *args, **options):
        token = set_context(RequestContext(source="command"))
        try:
            result = send_review_digest()
        finally:
            reset_context(token)
        self.stdout.write(f"新建提醒 {result.created} 条，更新提醒 {result.updated} 条。")
