"""manage.py seed_demo [--reset-passwords] [--no-business-data] [--force] [--port N]"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhaoshang.core.context import acting_as
from zhaoshang.core.demo import build_city


class Command(BaseCommand):
    help = "生成演示城市「示范市」：单位、各角色演示账号、项目、到位资金和目标任务。可重复执行，不会重复生成。"

    def add_arguments(self, parser):
        parser.add_argument("--reset-passwords", action="store_true", help="把演示账号的密码重置为演示密码")
        parser.add_argument("--no-business-data", action="store_true", help="只生成单位和账号")
        parser.add_argument("--force", action="store_true", help="在生产配置（HTTPS）下也执行")
        # scripts/start --port N passes its port, so the address said is the one served.
        parser.add_argument("--port", type=int, default=8000, help="提示中的本机端口（默认 8000）")

    def handle(self, *args, **options):
        if settings.HTTPS and not options["force"]:
            raise CommandError("当前为生产配置（ZHAOSHANG_HTTPS=1），不应生成演示数据。确需生成请加 --force。")
        with acting_as(None, source="command"):
            # The accounts app's demo module builds the units and accounts; the others the business data.
            city = build_city(
                only=("accounts",) if options["no_business_data"] else None, reset_passwords=options["reset_passwords"]
            )
        counts = city.counts
        self.stdout.write(f"示范市：{len(city.units)} 个单位。")
        if not options["no_business_data"]:
            self.stdout.write(
                f"本次新增：项目 {counts.get('projects', 0)} 个，到位资金 {counts.get('funds', 0)} 笔，"
                f"外出招商、招商活动和驻点小分队 {counts.get('fieldwork', 0)} 条，目标任务 {counts.get('targets', 0)} 条。"
            )
        self.stdout.write(f"\n演示账号（密码均为 {city.password}）：")
        self.stdout.write(f"{'用户名':<16}{'角色':<10}单位")
        for _account, user in city.accounts:
            self.stdout.write(f"{user.username:<18}{user.role_label:<10}{user.unit.name if user.unit else '—'}")
        self.stdout.write(self.style.WARNING("\n以上均为演示账号，仅供体验，切勿用于生产环境。"))
        self.stdout.write(f"浏览器打开 http://127.0.0.1:{options['port']} 登录。")
