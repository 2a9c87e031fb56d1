"""Seed the three 客商来源 groups bulletins name (public facts: GB/T 2260 provincial codes)."""

from django.db import migrations

# Written out rather than imported: a migration keeps the data it was written with.
GROUPS = [
    ("沪苏浙", ["31", "32", "33"]),
    ("京津冀", ["11", "12", "13"]),
    ("粤港澳", ["44", "81", "82"]),
]


def seed(apps, schema_editor):
    OriginGroup = apps.get_model("reference", "OriginGroup")
    for order, (name, codes) in enumerate(GROUPS, start=1):
        OriginGroup.objects.get_or_create(name=name, defaults={"province_codes": codes, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("reference", "0002_origin_groups")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
