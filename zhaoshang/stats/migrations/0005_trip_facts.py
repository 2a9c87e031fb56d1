from django.db import migrations


def add_trip_facts(apps, schema_editor):
    """The trips already recorded, added to the roll-up (stats.tripfacts), so an upgraded
    database reads its trip columns from the roll-up at once. It runs the current
    ``stats.tripfacts``; should a later migration change the facts table, this step must
    become a no-op and leave it to ``manage.py rebuild_stats``."""
    from django.conf import settings

    if not settings.STATS_ROLLUPS or not apps.get_model("fieldwork", "Trip").objects.exists():
        return
    from zhaoshang.stats import facts, tripfacts

    facts.apply(tripfacts.compute())


class Migration(migrations.Migration):
    dependencies = [
        ("stats", "0004_trip_indicator_choices"),
        ("fieldwork", "0004_campaign_signings"),
    ]

    operations = [migrations.RunPython(add_trip_facts, migrations.RunPython.noop)]
