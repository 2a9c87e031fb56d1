"""Daily: remind the units whose problems are due tomorrow, and escalate the problems past their deadline (meant for a timer, e.g. systemd or cron
at 06:00). Safe to run more than once a day: a problem is escalated once."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.core.context import acting_as
from zhaoshang.supervision.services import escalate_overdue, remind_due


class Command(BaseCommand):
    help = "逾期未办结的问题升级督办，并提醒明天到期的问题（每日运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按该日期判断逾期（YYYY-MM-DD），默认今天。")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"无法识别的日期「{options['date']}」，请写成 YYYY-MM-DD。") from None
        with acting_as(None, source="command"):
            escalated = escalate_overdue(today)
            reminded = remind_due(today)
        for problem in escalated:
            self.stdout.write(
                f"升级：{problem.responsible_unit.name} · {problem.project.name} · 期限 {problem.deadline}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"共升级 {len(escalated)} 个逾期问题；提醒明天到期的问题 {len(reminded)} 个。")
        )
