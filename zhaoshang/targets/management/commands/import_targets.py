"""manage.py import_targets FILE [--user NAME] [--year YEAR] [--dry-run] — a sheet of 单位, 年度,
指标, 目标值 (or the grid's export: one unit a row, one indicator a column)."""

from zhaoshang.imports.command import ImportCommand
from zhaoshang.targets.import_specs import TARGETS


class Command(ImportCommand):
    help = "导入年度目标任务表（单位、年度、指标、目标值），单位按名称或别名匹配；全部通过才写入。"
    spec = TARGETS
    user_help = "以哪个招商局用户的身份导入（默认：第一个招商局用户）"
    bureau_only = True
    no_user = unknown_user = "找不到招商局用户：目标任务由招商局下达，请用 --user 指定。"
    refused = "有 {count} 处错误，未导入任何目标。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--year", type=int, help="表中没有「年度」列时的年度")

    def spec_options(self, options):
        return {"default_year": options["year"]}

    def dry_run_done(self, preview):
        return f"校验通过：{len(preview.rows)} 条目标（--dry-run，未写入）。"

    def done(self, result):
        return (
            f"已导入 {len(result.rows)} 条目标任务：新增 {result.count('create')}，"
            f"更新 {result.count('update')}，无变化 {result.count('unchanged')}。"
        )
