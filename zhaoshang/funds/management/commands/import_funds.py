"""manage.py import_funds FILE [--unit CODE] [--dry-run] [--verified] [--user NAME] [--exclude-errors]"""

from zhaoshang.funds.import_specs import FUNDS
from zhaoshang.imports.command import ImportCommand


class Command(ImportCommand):
    help = "导入到位资金明细表（xlsx/xls/csv）：逐行校验，全部通过才写入。"
    spec = FUNDS

    def summary(self, preview):
        return (
            f"共 {len(preview.rows)} 笔：新增 {preview.count('create')}，无变化 {preview.count('unchanged')}，"
            f"有错误 {len(preview.error_rows)}"
        )

    def done(self, result):
        return f"导入完成：新增 {result.count('create')} 笔到位资金。"
