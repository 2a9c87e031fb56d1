"""The daily warning scan (run it from a timer, e.g. a systemd timer or cron at 01:30)."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.alerts import services
from zhaoshang.alerts.choices import ScanSource
from zhaoshang.alerts.registry import all_kinds, get_kind
from zhaoshang.core.context import acting_as


class Command(BaseCommand):
    help = "扫描预警：新增、更新、解除各类预警（每日定时运行；可重复运行，结果相同）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="以哪一天为准扫描（YYYY-MM-DD，默认今天）")
        parser.add_argument(
            "--kind", action="append", help="只扫描某类预警（可多次指定）：" + "、".join(s.kind for s in all_kinds())
        )

    def handle(self, *args, date=None, kind=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from error
        for name in kind or []:
            if get_kind(name) is None:
                raise CommandError(f"未知的预警类型：{name}")
        started = time.perf_counter()
        with acting_as(None, source="command"):
            scan_row, fresh = services.start_scan(source=ScanSource.COMMAND, today=today)
            if not fresh:
                raise CommandError(f"已有一次预警扫描正在进行（{scan_row.started_at:%H:%M} 开始），请稍后再试。")
            scan_row = services.run_scan(scan_row, kinds=kind)
        self.stdout.write(
            f"预警扫描完成（{scan_row.as_of:%Y-%m-%d}）：新增 {scan_row.created}，等级或内容变化 {scan_row.changed}，"
            f"解除 {scan_row.cleared}，现有未解除 {scan_row.open_count}（{time.perf_counter() - started:.1f} 秒）。"
        )
