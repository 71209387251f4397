import uuid

import django.db.models.deletion
from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    OnwardReferral = apps.get_model("prescribing", "OnwardReferral")
    for onward in OnwardReferral.objects.filter(public_id__isnull=True):
        onward.public_id = uuid.uuid4()
        onward.save(update_fields=["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_append_only_triggers"),
        ("prescribing", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="onwardreferral",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="onwardreferral",
            name="public_id",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="The id used in URLs (not guessable).",
                unique=True,
            ),
        ),
        migrations.CreateModel(
            name="ServiceCapacity",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("service_name", models.CharField(max_length=200)),
                ("places", models.PositiveIntegerField(help_text="Places available in total.")),
                ("taken", models.PositiveIntegerField(default=0)),
                ("response_days", models.PositiveSmallIntegerField(
                    default=14,
                    help_text="Days the provider has to accept or decline an onward referral.")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("provider", models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name="service_capacity", to="accounts.organisation")),
            ],
            options={
                "ordering": ["provider__name", "service_name"],
                "constraints": [
                    models.UniqueConstraint(fields=("provider", "service_name"),
                                            name="service_capacity_one_per_service"),
                    models.CheckConstraint(condition=models.Q(taken__lte=models.F("places")),
                                           name="service_capacity_never_exceeded"),
                ],
            },
        ),
    ]
