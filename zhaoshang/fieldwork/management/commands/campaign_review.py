"""manage.py campaign_review NAME [--as-of YYYY-MM-DD] [--format json|text]"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.fieldwork.review import FIGURE_LABELS, campaign_review
from zhaoshang.fieldwork.services import campaign_named


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"无法识别的日期「{text}」，请写作 2026-12-31。") from None


class Command(BaseCommand):
    help = "活动后评估：活动签约项目（签约已审核）中已注册、已开工、已投产的个数，到位资金与签约金额，按单位列出签约未落地项目。"

    def add_arguments(self, parser):
        parser.add_argument("name", help="活动名称")
        parser.add_argument("--as-of", help="评估截止日期（默认今天）")
        parser.add_argument("--format", choices=("json", "text"), default="text")

    def handle(self, *args, **options):
        try:
            campaign = campaign_named(options["name"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        review = campaign_review(campaign, _date(options["as_of"]) if options["as_of"] else None)
        if options["format"] == "json":
            self.stdout.write(json.dumps(review, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{review['campaign']} 活动后评估（截至{review['as_of']}，活动后{review['months_after']}个月）"
        )
        for key, label in FIGURE_LABELS.items():
            self.stdout.write(f"  {label}：{review['totals'][key]}")
        for row in review["units"]:
            if row["not_landed"]:
                self.stdout.write(f"  {row['unit']}签约未落地：{'、'.join(row['not_landed'])}")
