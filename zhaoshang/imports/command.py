"""One management command over any ImportSpec: ``manage.py import_<kind> FILE [--unit CODE]
[--user NAME] [--dry-run] [--verified] [--exclude-errors]``.

The same pipeline as the upload pages (imports.pipeline: preview, then an all-or-nothing
commit), run as a user (default: the first active bureau user) with the audit rows saying
the command did it. A command names its spec and says its sentences; the options follow
from the spec (``--unit`` for a per-unit import, ``--exclude-errors`` where error rows may
be left out, ``--verified`` where the import may verify its rows).
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from zhaoshang.accounts.models import Unit, User
from zhaoshang.core.bulk import collector_paused
from zhaoshang.core.context import acting_as
from zhaoshang.core.roles import Role
from zhaoshang.imports.pipeline import commit_import, preview_import
from zhaoshang.imports.spec import ImportRefused, ImportSpec


def _said(error) -> str:
    return "；".join(getattr(error, "messages", None) or [str(error)])


class ImportCommand(BaseCommand):
    spec: ImportSpec = None
    unit_required = False  # else the user's top unit
    unit_help = "导入范围单位编码（默认：最上级单位）"
    user_help = "以哪个用户的身份导入（默认：第一个招商局用户）"
    verified_help = "导入即审核通过（历史数据迁移）"
    bureau_only = False  # only a bureau user may run it (targets are set by the bureau)
    no_user = "找不到可用的导入用户：请用 --user 指定一个招商局或单位用户。"
    unknown_user = no_user  # {name}: the --user given
    refused = "文件有 {count} 处错误，未导入任何数据。修正后重新导入，或使用 --exclude-errors。"

    # --- What it says (each command its own sentences, pinned by its tests) -----------------

    def summary(self, preview) -> str | None:
        """The line printed after the preview: what importing would do."""
        return None

    def dry_run_done(self, preview) -> str:
        return "校验完成（--dry-run，未写入）。"

    def done(self, result) -> str:
        """The line printed after the commit; ``result`` is the committed rows' Preview."""
        raise NotImplementedError

    def spec_options(self, options) -> dict:
        """The spec's own options (targets: the year of a sheet without a 年度 column)."""
        return {}

    # --- The command -------------------------------------------------------------------------

    def add_arguments(self, parser):
        parser.add_argument("file")
        if self.spec.per_unit:
            parser.add_argument("--unit", required=self.unit_required, help=self.unit_help)
        parser.add_argument("--user", help=self.user_help)
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        if self.spec.verify_on_import:
            parser.add_argument("--verified", action="store_true", help=self.verified_help)
        if self.spec.exclusions:
            parser.add_argument("--exclude-errors", action="store_true", help="排除有错误的行，导入其余行")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        unit = self._unit(options.get("unit"))
        user = self._user(options["user"])
        if self.spec.per_unit and unit is None:
            unit = self.spec.batch_unit(user, None)
            if unit is None:
                raise CommandError("系统中还没有单位。")
        with acting_as(user, source="command"):
            try:
                preview = preview_import(
                    self.spec,
                    user,
                    path.read_bytes(),
                    path.name,
                    unit,
                    mark_verified=bool(options.get("verified")),
                    options=self.spec_options(options),
                    store=not options["dry_run"],
                )
            except (ValueError, ValidationError, PermissionDenied) as error:  # ReadError, a sheet not found
                raise CommandError(_said(error)) from None
            if (line := self.summary(preview)) is not None:
                self.stdout.write(line)
            for message in preview.messages():
                self.stdout.write(self.style.WARNING(message))
            if preview.error_rows and not self.spec.exclusions:  # the commit would refuse it whole
                raise CommandError(self.refused.format(count=len(preview.messages())))
            if options["dry_run"]:
                self.stdout.write(self.dry_run_done(preview))
                return
            exclude = [row.number for row in preview.error_rows] if options.get("exclude_errors") else []
            try:
                # A command is a process of its own, like the job worker: the pause is safe here.
                with collector_paused():
                    result = commit_import(self.spec, user, preview.batch, exclude_rows=exclude)
            except ImportRefused as refusal:
                raise CommandError(self.refused.format(count=len(refusal.messages))) from None
            except (ValidationError, PermissionDenied) as error:
                raise CommandError(_said(error)) from None
        self.stdout.write(self.style.SUCCESS(self.done(result)))

    def _unit(self, code):
        if not code:
            return None
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"单位编码不存在：{code}")
        return unit

    def _user(self, username):
        users = User.objects.filter(is_active=True)
        if self.bureau_only or not username:
            users = users.filter(role=Role.BUREAU)
        user = users.filter(username=username).first() if username else users.order_by("pk").first()
        if user is None:
            raise CommandError(self.unknown_user.format(name=username) if username else self.no_user)
        return user
