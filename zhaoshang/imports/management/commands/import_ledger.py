"""manage.py import_ledger FILE --unit CODE [--dry-run] [--verified] [--user NAME] [--exclude-errors]"""

from zhaoshang.imports.command import ImportCommand
from zhaoshang.imports.services import LEDGER


class Command(ImportCommand):
    help = "导入项目台账（xlsx/xls/csv）：逐行校验，全部通过才写入；重复导入不会产生重复项目。"
    spec = LEDGER
    unit_required, unit_help = True, "导入单位编码（台账中的责任单位须在其范围内）"
    verified_help = "导入即审核通过（招商局迁移历史台账时使用，审计日志会注明）"
    no_user = "没有可用的招商局用户：请先创建招商局账号，或用 --user 指定导入用户。"
    unknown_user = "用户不存在或已停用：{name}"
    refused = "台账有 {count} 处错误，未导入任何数据。修正后重新导入，或使用 --exclude-errors 排除这些行。"

    def summary(self, preview):
        return (
            f"工作表「{preview.parsed.sheet_name}」共 {len(preview.rows)} 行：新增 {preview.count('create')}，"
            f"更新 {preview.count('update')}，无变化 {preview.count('unchanged')}，有错误 {len(preview.error_rows)}"
        )

    def done(self, result):
        return f"导入完成：新增 {result.count('create')} 个，更新 {result.count('update')} 个项目。"
