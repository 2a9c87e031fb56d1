"""Rebuild the monthly roll-up of the indicators, or check it against a recomputation."""

import time

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.core.context import acting_as
from zhaoshang.stats import facts


class Command(BaseCommand):
    help = "重建月度统计汇总（修改统计口径设置后运行）；--check 只核对、不修改。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对汇总与重新计算的结果是否一致")

    def handle(self, *args, check=False, **options):
        started = time.perf_counter()
        if check:
            differences = facts.differences()
            if differences:
                lines = [
                    f"单位 {unit} {month:%Y-%m} {indicator}：汇总 {mine}，重算 {truth}"
                    for (unit, month, indicator), mine, truth in differences
                ]
                raise CommandError(
                    "月度统计汇总与重新计算不一致：\n" + "\n".join(lines) + "\n请运行 manage.py rebuild_stats 重建。"
                )
            self.stdout.write(f"月度统计汇总与重新计算一致（{time.perf_counter() - started:.1f} 秒）。")
            return
        with acting_as(None, source="command"):
            count = facts.rebuild()
        self.stdout.write(f"已重建月度统计汇总：{count} 条（{time.perf_counter() - started:.1f} 秒）。")
