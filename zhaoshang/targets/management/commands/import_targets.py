"""manage.py import_targets FILE [--user NAME] [--year YEAR] [--dry-run] — a sheet of 单位, 年度,
指标, 目标值 (or the grid's export: one unit a row, one indicator a column)."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import User
from zhaoshang.core.context import acting_as
from zhaoshang.imports.reading import ReadError
from zhaoshang.imports.spec import ImportRefused
from zhaoshang.targets.import_specs import commit_targets, preview_targets


class Command(BaseCommand):
    help = "导入年度目标任务表（单位、年度、指标、目标值），单位按名称或别名匹配；全部通过才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="以哪个招商局用户的身份导入（默认：第一个招商局用户）")
        parser.add_argument("--year", type=int, help="表中没有「年度」列时的年度")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        users = User.objects.filter(is_active=True, role=Role.BUREAU)
        user = users.filter(username=options["user"]).first() if options["user"] else users.order_by("pk").first()
        if user is None:
            raise CommandError("找不到招商局用户：目标任务由招商局下达，请用 --user 指定。")
        with acting_as(user, source="command"):
            try:
                preview = preview_targets(
                    user, path.read_bytes(), path.name, default_year=options["year"], store=not options["dry_run"]
                )
            except (ReadError, ValueError, ValidationError, PermissionDenied) as error:
                raise CommandError("；".join(getattr(error, "messages", [str(error)]))) from None
            for message in preview.messages():
                self.stdout.write(self.style.WARNING(message))
            if preview.error_rows:
                raise CommandError(f"有 {len(preview.messages())} 处错误，未导入任何目标。")
            if options["dry_run"]:
                self.stdout.write(f"校验通过：{len(preview.rows)} 条目标（--dry-run，未写入）。")
                return
            try:
                commit_targets(user, preview.batch)
            except ImportRefused as refused:
                raise CommandError(f"有 {len(refused.messages)} 处错误，未导入任何目标。") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入 {len(preview.rows)} 条目标任务：新增 {preview.count('create')}，"
                f"更新 {preview.count('update')}，无变化 {preview.count('unchanged')}。"
            )
        )
