"""manage.py campaign_report NAME [--format json|text]"""

import json

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.fieldwork.models import Campaign
from zhaoshang.fieldwork.services import campaign_figures


class Command(BaseCommand):
    help = "招商活动的签约成效：签约项目数、总投资、外资、合同项目数、合同外资（只计签约已审核的项目）。"

    def add_arguments(self, parser):
        parser.add_argument("name", help="活动名称")
        parser.add_argument("--format", choices=("json", "text"), default="text")

    def handle(self, *args, **options):
        campaigns = list(Campaign.objects.filter(name=options["name"]).order_by("-start_on")[:2])
        if not campaigns:
            raise CommandError(f"没有名为「{options['name']}」的招商活动。")
        if len(campaigns) > 1:
            raise CommandError(f"有多个名为「{options['name']}」的招商活动，请先在页面上区分名称。")
        figures = campaign_figures(campaigns[0])
        if options["format"] == "json":
            self.stdout.write(json.dumps({"campaign": campaigns[0].name, **figures}, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(figures["sentence"])
