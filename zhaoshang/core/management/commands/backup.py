"""manage.py backup [PATH] — a consistent online copy of the database."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from zhaoshang.core.backup import BackupError, postgres_backup, sqlite_backup
from zhaoshang.core.choices import AuditAction
from zhaoshang.core.context import acting_as
from zhaoshang.core.models import AuditLog


class Command(BaseCommand):
    help = "在线备份数据库（SQLite 用备份 API，PostgreSQL 用 pg_dump），不影响正在进行的读写。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="备份文件路径（默认 var/backups/zhaoshang-时间.sqlite3 或 .dump）")

    def handle(self, *args, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        vendor = connection.vendor
        default = settings.VAR_DIR / "backups" / f"zhaoshang-{stamp}.{'sqlite3' if vendor == 'sqlite' else 'dump'}"
        target = Path(options["path"] or default)
        try:
            if vendor == "sqlite":
                sqlite_backup(connection.settings_dict["NAME"], target)
            elif vendor == "postgresql":
                postgres_backup(target)
            else:
                raise CommandError(f"不支持的数据库：{vendor}")
        except (BackupError, OSError) as error:
            raise CommandError(f"备份失败：{error}") from None
        with acting_as(None, source="command"):
            AuditLog.record(AuditAction.EXPORT, None, detail=f"数据库备份：{target}（{target.stat().st_size} 字节）")
        self.stdout.write(self.style.SUCCESS(f"备份完成：{target}"))
