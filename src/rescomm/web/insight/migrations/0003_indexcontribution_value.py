"""``IndexContribution.raw`` becomes ``value``: the indicator in its unit, as
``Build.explain`` now gives it (a count divided by its denominator, e.g. percent), so the page,
the API, ``rescomm index explain`` and ``rescomm index profile`` show the same number.

Rows of an indicator without a denominator keep their number (it was already the value in its
unit). Rows of a count indicator held the count before dividing; that is not a value in the
indicator's unit and the denominator is not stored, so it is cleared (shown as missing) until
the index is published again (``rescomm load-demo`` republishes the demo indices by itself: the
publisher version changed).
"""

from django.db import migrations


def clear_counts(apps, schema_editor):
    contribution = apps.get_model("insight", "IndexContribution")
    contribution.objects.exclude(indicator__denominator="").update(value=None)


class Migration(migrations.Migration):

    dependencies = [
        ('insight', '0002_indexnode_denominator'),
    ]

    operations = [
        migrations.RenameField(
            model_name='indexcontribution',
            old_name='raw',
            new_name='value',
        ),
        migrations.RunPython(clear_counts, migrations.RunPython.noop),
    ]
