"""manage.py import_trips FILE --unit CODE [--dry-run] [--user NAME]"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import Unit, User
from zhaoshang.core.context import acting_as
from zhaoshang.fieldwork.import_specs import TRIPS
from zhaoshang.imports.pipeline import commit_import, preview_import
from zhaoshang.imports.reading import ReadError
from zhaoshang.imports.spec import ImportRefused


class Command(BaseCommand):
    help = "导入外出招商台账（xlsx/xls/csv）：同一带队领导、出发日期和目的地的各行为一次外出；全部通过校验才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--unit", required=True, help="导入单位编码（组织单位列为空的行以此单位为组织单位）")
        parser.add_argument("--user", help="以哪个用户的身份导入（默认：第一个招商局用户）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"单位编码不存在：{options['unit']}")
        users = User.objects.filter(is_active=True)
        username = options["user"]
        user = users.filter(username=username).first() if username else users.filter(role=Role.BUREAU).first()
        if user is None:
            raise CommandError("找不到可用的导入用户：请用 --user 指定一个招商局或单位用户。")
        with acting_as(user, source="command"):
            try:
                preview = preview_import(TRIPS, user, path.read_bytes(), path.name, unit, store=not options["dry_run"])
            except (ReadError, ValueError, ValidationError, PermissionDenied) as error:
                raise CommandError(str(error)) from None
            summary = TRIPS.summary(preview)
            self.stdout.write(
                f"共 {len(preview.rows)} 行，{summary['new_trips']} 次新外出：新增 {preview.count('create')} 行，"
                f"补充拜访 {preview.count('update')} 行，无变化 {preview.count('unchanged')} 行，"
                f"有错误 {len(preview.error_rows)} 行"
            )
            for row in preview.rows:
                for note in row.notes:
                    self.stdout.write(f"第{row.number}行：{note}")
            for message in preview.messages():
                self.stdout.write(self.style.WARNING(message))
            if options["dry_run"]:
                self.stdout.write("校验完成（--dry-run，未写入）。")
                return
            try:
                commit_import(TRIPS, user, preview.batch)
            except ImportRefused as refused:
                raise CommandError(f"文件有 {len(refused.messages)} 处错误，未导入任何数据。") from None
        self.stdout.write(self.style.SUCCESS(TRIPS.describe(preview.batch, 0)))
