"""Rebuild the monthly roll-up of the indicators (here, or queued for the job worker with
``--enqueue``), or check it against a recomputation."""

import time

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.core.bulk import collector_paused
from zhaoshang.core.context import acting_as
from zhaoshang.stats import facts
from zhaoshang.stats.jobs import enqueue_rebuild, rebuild_in_one_transaction


class Command(BaseCommand):
    help = "重建月度统计汇总（修改统计口径设置后运行）；--check 只核对、不修改。"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只核对汇总与重新计算的结果是否一致")
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务进程重建，本命令立即返回")

    def handle(self, *args, check=False, enqueue=False, **options):
        started = time.perf_counter()
        if check:
            with collector_paused():
                differences = facts.differences()
            if differences:
                lines = [f"{facts.describe(key)}：汇总 {mine}，重算 {truth}" for key, mine, truth in differences]
                raise CommandError(
                    "月度统计汇总与重新计算不一致：\n" + "\n".join(lines) + "\n请运行 manage.py rebuild_stats 重建。"
                )
            self.stdout.write(f"月度统计汇总与重新计算一致（{time.perf_counter() - started:.1f} 秒）。")
            return
        if enqueue:
            with acting_as(None, source="command"):
                job = enqueue_rebuild()
            self.stdout.write(f"已提交后台任务 #{job.pk}：重建月度统计汇总（{job.get_status_display()}）。")
            return
        with acting_as(None, source="command"):
            count = rebuild_in_one_transaction()
        self.stdout.write(f"已重建月度统计汇总：{count} 条（{time.perf_counter() - started:.1f} 秒）。")
