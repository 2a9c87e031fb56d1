"""The common titles and the level a trip they lead counts at; the bureau edits the table."""

from django.db import migrations

SENIOR = (
    "市委书记 市长 副市长 市委常委 市委副书记 县委书记 县长 副县长 县委副书记 县委常委 区委书记 区长 副区长 "
    "区委副书记 区委常委 人大主任 人大常委会主任 人大副主任 人大常委会副主任 政协主席 政协副主席 县级领导 市级领导"
)
UNIT_HEAD = "镇党委书记 乡党委书记 党委书记 党工委书记 书记 镇长 乡长 街道办主任 管委会主任 主任 局长 部长 总经理"
OTHER = "副镇长 副乡长 副书记 党委副书记 副主任 副局长 副部长 科长 副科长 股长 干部 工作人员"

TITLES = [(title, "senior") for title in SENIOR.split()]
TITLES += [(title, "unit_head") for title in UNIT_HEAD.split()]
TITLES += [(title, "other") for title in OTHER.split()]


def seed(apps, schema_editor):
    LeaderTitleLevel = apps.get_model("fieldwork", "LeaderTitleLevel")
    for title, level in TITLES:
        LeaderTitleLevel.objects.get_or_create(title=title, defaults={"level": level})


def unseed(apps, schema_editor):
    apps.get_model("fieldwork", "LeaderTitleLevel").objects.filter(title__in=[title for title, _ in TITLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0001_trips")]

    operations = [migrations.RunPython(seed, unseed)]
