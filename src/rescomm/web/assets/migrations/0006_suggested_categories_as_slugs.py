"""Suggestions stored with a free-text category ("community centre") get its slug.

Before this, the suggestion form stored the category as typed while ``Service.category`` is a
slug, so approving such a suggestion failed (a server error) and it stayed in the queue. Every
suggestion still pending, and every decided one (so that "your suggestions" shows what would be
stored), gets the slug the importer now makes (``importer.normalise_category``, copied here as
it is today so the migration does not change if that function does). A category without a
letter or digit is left as it is: approving it now tells the moderator why it cannot be
published.
"""

import re

from django.db import migrations
from django.utils.text import slugify


def _slug(text: str) -> str:
    return re.sub(r"[-_]+", "_", slugify(text.replace("_", " "))).strip("_")


def forwards(apps, schema_editor):
    Suggestion = apps.get_model("assets", "Suggestion")
    for suggestion in Suggestion.objects.order_by("pk").iterator(chunk_size=500):
        typed = (suggestion.proposed or {}).get("category")
        if not isinstance(typed, str) or not typed:
            continue
        slug = _slug(typed)
        if slug and slug != typed and len(slug) <= 60:
            suggestion.proposed = {**suggestion.proposed, "category": slug}
            suggestion.save(update_fields=["proposed"])


class Migration(migrations.Migration):
    dependencies = [("assets", "0005_notification")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
