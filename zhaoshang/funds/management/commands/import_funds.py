"""manage.py import_funds FILE [--unit CODE] [--dry-run] [--verified] [--user NAME]"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import Unit, User
from zhaoshang.core.context import acting_as
from zhaoshang.funds.import_specs import commit_funds, preview_funds
from zhaoshang.imports.reading import ReadError
from zhaoshang.imports.spec import ImportRefused


class Command(BaseCommand):
    help = "导入到位资金明细表（xlsx/xls/csv）：逐行校验，全部通过才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--unit", help="导入范围单位编码（默认：最上级单位）")
        parser.add_argument("--user", help="以哪个用户的身份导入（默认：第一个招商局用户）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--verified", action="store_true", help="导入即审核通过（历史数据迁移）")
        parser.add_argument("--exclude-errors", action="store_true", help="排除有错误的行，导入其余行")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        user = self._user(options["user"])
        unit = self._unit(options["unit"])
        with acting_as(user, source="command"):
            try:
                preview = preview_funds(
                    user,
                    path.read_bytes(),
                    path.name,
                    unit,
                    mark_verified=options["verified"],
                    store=not options["dry_run"],
                )
            except (ReadError, ValueError, ValidationError, PermissionDenied) as error:
                raise CommandError(str(error)) from None
            self.stdout.write(
                f"共 {len(preview.rows)} 笔：新增 {preview.count('create')}，无变化 {preview.count('unchanged')}，"
                f"有错误 {len(preview.error_rows)}"
            )
            for message in preview.messages():
                self.stdout.write(self.style.WARNING(message))
            if options["dry_run"]:
                self.stdout.write("校验完成（--dry-run，未写入）。")
                return
            exclude = [row.number for row in preview.error_rows] if options["exclude_errors"] else []
            try:
                commit_funds(user, preview.batch, exclude_rows=exclude)
            except ImportRefused as refused:
                raise CommandError(
                    f"文件有 {len(refused.messages)} 处错误，未导入任何数据。修正后重新导入，或使用 --exclude-errors。"
                ) from None
        self.stdout.write(self.style.SUCCESS(f"导入完成：新增 {preview.count('create')} 笔到位资金。"))

    def _user(self, username):
        users = User.objects.filter(is_active=True)
        user = (
            users.filter(username=username).first()
            if username
            else users.filter(role=Role.BUREAU).order_by("pk").first()
        )
        if user is None:
            raise CommandError("找不到可用的导入用户：请用 --user 指定一个招商局或单位用户。")
        return user

    def _unit(self, code):
        if code:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                raise CommandError(f"单位编码不存在：{code}")
            return unit
        root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
        if root is None:
            raise CommandError("系统中还没有单位。")
        return root
