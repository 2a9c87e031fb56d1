"""manage.py restore PATH --yes — bring a backup back (stop the application first)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from zhaoshang.core.backup import BackupError, postgres_restore, sqlite_restore


class Command(BaseCommand):
    help = "从备份恢复数据库。会覆盖当前数据：请先停止应用服务，并确认备份文件无误。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"备份文件不存在：{path}")
        if not options["yes"]:
            raise CommandError("恢复会覆盖当前数据库。确认无误后加 --yes 重新执行。")
        vendor = connection.vendor
        database = connection.settings_dict["NAME"]
        connection.close()
        try:
            if vendor == "sqlite":
                sqlite_restore(path, database)
            elif vendor == "postgresql":
                postgres_restore(path)
            else:
                raise CommandError(f"不支持的数据库：{vendor}")
        except (BackupError, OSError) as error:
            raise CommandError(f"恢复失败：{error}") from None
        # The audit row of the restore is written after it, into the restored history.
        from zhaoshang.core.choices import AuditAction
        from zhaoshang.core.context import acting_as
        from zhaoshang.core.models import AuditLog

        with acting_as(None, source="command"):
            AuditLog.record(AuditAction.IMPORT, None, detail=f"从备份恢复数据库：{path}")
        self.stdout.write(self.style.SUCCESS(f"已从 {path} 恢复。"))
