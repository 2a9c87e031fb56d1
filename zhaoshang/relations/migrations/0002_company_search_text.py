from django.db import migrations, models


def fill_search_text(apps, schema_editor):
    """Existing companies get their search text (name, credit code, pinyin) once."""
    from zhaoshang.core.search import build_search_text

    Company = apps.get_model("relations", "Company")
    for pk, name, uscc in Company.objects.values_list("pk", "name", "uscc").iterator():
        Company.objects.filter(pk=pk).update(search_text=build_search_text(name, uscc or ""))


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="company",
            name="search_text",
            field=models.TextField(blank=True, editable=False, verbose_name="检索文本"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
