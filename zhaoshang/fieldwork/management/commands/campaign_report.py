"""manage.py campaign_report NAME [--format json|text]"""

import json

from django.core.management.base import BaseCommand, CommandError

from zhaoshang.fieldwork.services import campaign_figures, campaign_named


class Command(BaseCommand):
    help = "招商活动的签约成效：签约项目数、总投资、外资、合同项目数、合同外资（只计签约已审核的项目）。"

    def add_arguments(self, parser):
        parser.add_argument("name", help="活动名称")
        parser.add_argument("--format", choices=("json", "text"), default="text")

    def handle(self, *args, **options):
        try:
            campaign = campaign_named(options["name"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        figures = campaign_figures(campaign)
        if options["format"] == "json":
            self.stdout.write(json.dumps({"campaign": campaign.name, **figures}, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(figures["sentence"])
