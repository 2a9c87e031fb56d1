"""manage.py import_ledger FILE --unit CODE [--dry-run] [--verified] [--user NAME] [--exclude-errors]"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import Unit, User
from zhaoshang.core.bulk import collector_paused
from zhaoshang.core.context import acting_as
from zhaoshang.imports.ledger import LedgerNotFound
from zhaoshang.imports.reading import ReadError
from zhaoshang.imports.services import commit_ledger, preview_ledger
from zhaoshang.imports.spec import ImportRefused


class Command(BaseCommand):
    help = "导入项目台账（xlsx/xls/csv）：逐行校验，全部通过才写入；重复导入不会产生重复项目。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--unit", required=True, help="导入单位编码（台账中的责任单位须在其范围内）")
        parser.add_argument("--user", help="以哪个用户的身份导入（默认：第一个招商局用户）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument(
            "--verified", action="store_true", help="导入即审核通过（招商局迁移历史台账时使用，审计日志会注明）"
        )
        parser.add_argument("--exclude-errors", action="store_true", help="排除有错误的行，导入其余行")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"单位编码不存在：{options['unit']}")
        users = User.objects.filter(is_active=True)
        if options["user"]:
            user = users.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"用户不存在或已停用：{options['user']}")
        else:
            user = users.filter(role=Role.BUREAU).order_by("pk").first()
            if user is None:
                raise CommandError("没有可用的招商局用户：请先创建招商局账号，或用 --user 指定导入用户。")
        with acting_as(user, source="command"):
            try:
                preview = preview_ledger(
                    user,
                    path.read_bytes(),
                    path.name,
                    unit,
                    mark_verified=options["verified"],
                    store=not options["dry_run"],
                )
            except (ReadError, LedgerNotFound, ValidationError, PermissionDenied) as error:
                raise CommandError(str(error)) from None
            self.stdout.write(
                f"工作表「{preview.parsed.sheet_name}」共 {len(preview.rows)} 行：新增 {preview.count('create')}，"
                f"更新 {preview.count('update')}，无变化 {preview.count('unchanged')}，有错误 {len(preview.error_rows)}"
            )
            for message in preview.messages():
                self.stdout.write(self.style.WARNING(message))
            if options["dry_run"]:
                self.stdout.write("校验完成（--dry-run，未写入）。")
                return
            exclude = [row.number for row in preview.error_rows] if options["exclude_errors"] else []
            try:
                # A command is a process of its own, like the job worker: the pause is safe here.
                with collector_paused():
                    result = commit_ledger(user, preview.batch, exclude_rows=exclude)
            except ImportRefused as refused:
                raise CommandError(
                    f"台账有 {len(refused.messages)} 处错误，未导入任何数据。修正后重新导入，或使用 --exclude-errors 排除这些行。"
                ) from None
            except (ValidationError, PermissionDenied) as error:
                raise CommandError("；".join(getattr(error, "messages", [str(error)]))) from None
        self.stdout.write(
            self.style.SUCCESS(f"导入完成：新增 {result.count('create')} 个，更新 {result.count('update')} 个项目。")
        )
