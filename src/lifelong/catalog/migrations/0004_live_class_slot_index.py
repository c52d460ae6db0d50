"""The (kind, ends_at) index of resources carries the search slot too: search reads which of
today's live classes have not ended from the index alone, without visiting their rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_search_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(
                fields=["kind", "ends_at", "search_slot"], name="catalog_res_live_slot"
            ),
        ),
        migrations.RemoveIndex(
            model_name="resource",
            name="catalog_res_kind_ends",
        ),
    ]
