"""Problem reports get a moderator's decision: a status (open, resolved, dismissed), who
decided and a note; a report already given a resolution time counts as resolved. A decision
told to the person who reported is a new kind of notification."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def mark_resolved(apps, schema_editor):
    """Reports given a resolution time before reports had a status count as resolved."""
    apps.get_model("assets", "ProblemReport").objects.filter(
        resolved_at__isnull=False).update(status="resolved")


class Migration(migrations.Migration):

    dependencies = [
        ('assets', '0006_suggested_categories_as_slugs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='problemreport',
            options={'ordering': ['created_at']},
        ),
        migrations.AddField(
            model_name='problemreport',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL,
                                    related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='problemreport',
            name='decision_note',
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name='problemreport',
            name='status',
            field=models.CharField(choices=[('open', 'Waiting for a moderator'),
                                            ('resolved', 'Resolved'),
                                            ('dismissed', 'Dismissed')],
                                   db_index=True, default='open', max_length=20),
        ),
        migrations.AlterField(
            model_name='notification',
            name='kind',
            field=models.CharField(choices=[
                ('review_reminder', 'Review reminder to the owner'),
                ('review_escalation', 'Overdue review escalated to moderators'),
                ('suggestion_decision', 'Decision told to the person who suggested'),
                ('report_decision', 'Decision told to the person who reported a problem')],
                max_length=30),
        ),
        migrations.RunPython(mark_resolved, migrations.RunPython.noop),
    ]
