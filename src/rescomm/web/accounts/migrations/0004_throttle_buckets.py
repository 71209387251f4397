"""Rate-limit counts shared by every server process (``ThrottleBucket``) replace the sign-in
failures table (``LoginFailure``); see ``throttle.py``."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_audit_append_only_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="ThrottleBucket",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("scope", models.CharField(max_length=40)),
                ("key", models.CharField(max_length=64)),
                ("hits", models.JSONField(default=list)),
                ("expires", models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.DeleteModel(
            name="LoginFailure",
        ),
        migrations.AddConstraint(
            model_name="throttlebucket",
            constraint=models.UniqueConstraint(fields=("scope", "key"),
                                               name="accounts_throttle_one_bucket"),
        ),
    ]
