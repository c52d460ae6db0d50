"""Search moves from the engines' full-text indexes (SQLite FTS5, a PostgreSQL tsvector) to
the catalog's own index of bitmap postings, the same on both engines: exact counts and facets
of broad queries cost a few set operations instead of a pass over every match."""

import uuid

from django.db import migrations, models


def drop_full_text(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS catalog_resource_fts")
    else:
        schema_editor.execute("DROP INDEX IF EXISTS catalog_resource_search_gin")
        schema_editor.execute("ALTER TABLE catalog_resource DROP COLUMN IF EXISTS search_vector")


def restore_full_text(apps, schema_editor):
    # The tables come back empty: a catalog migrated back refills them by re-saving resources.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_resource_fts USING fts5("
            "tokens, tokenize = 'unicode61 remove_diacritics 0')"
        )
    else:
        schema_editor.execute(
            "ALTER TABLE catalog_resource ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', search_tokens)) STORED"
        )
        schema_editor.execute(
            "CREATE INDEX catalog_resource_search_gin ON catalog_resource USING gin (search_vector)"
        )


def file_published(apps, schema_editor):
    State = apps.get_model("catalog", "SearchIndexState")
    State.objects.get_or_create(pk=1, defaults={"generation": uuid.uuid4().hex})
    Resource = apps.get_model("catalog", "Resource")
    if Resource.objects.filter(status="published").exists():
        # A catalog that already has resources is filed now (a fresh database has none; the
        # demo loader and bulk loads file theirs themselves).
        from lifelong.catalog.search.index import rebuild

        rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_search_seed_append_only'),
        ('identity', '0003_privacy'),
        ('shared', '0003_notification'),
    ]

    operations = [
        migrations.RunPython(drop_full_text, restore_full_text),
        migrations.CreateModel(
            name='SearchIndexState',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ('generation', models.CharField(max_length=32)),
                ('next_slot', models.PositiveIntegerField(default=0)),
                ('rebuilt_at', models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name='SearchPosting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('field', models.CharField(choices=[('w', 'word anywhere'), ('t', 'word of the title'), ('p', 'every published resource'), ('c', 'category id'), ('k', 'format'), ('d', 'district code'), ('a', 'audience'), ('m', 'senior MOOC'), ('e', 'day a live class ends (Shanghai)')], max_length=1)),
                ('term', models.CharField(blank=True, max_length=64)),
                ('chunk', models.PositiveIntegerField()),
                ('size', models.PositiveIntegerField()),
                ('bitmap', models.BinaryField()),
            ],
        ),
        migrations.RemoveField(
            model_name='resource',
            name='search_tokens',
        ),
        migrations.AddField(
            model_name='resource',
            name='search_keys',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='resource',
            name='search_slot',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.AddIndex(
            model_name='resource',
            index=models.Index(fields=['kind', 'ends_at'], name='catalog_res_kind_ends'),
        ),
        migrations.AddConstraint(
            model_name='resource',
            constraint=models.CheckConstraint(condition=models.Q(('search_slot__isnull', True), ('status', 'published'), _connector='OR'), name='resource_indexed_is_published'),
        ),
        migrations.AddConstraint(
            model_name='searchindexstate',
            constraint=models.CheckConstraint(condition=models.Q(('id', 1)), name='search_state_single_row'),
        ),
        migrations.AddConstraint(
            model_name='searchposting',
            constraint=models.UniqueConstraint(fields=('field', 'term', 'chunk'), name='search_posting_key_chunk_unique'),
        ),
        migrations.AddConstraint(
            model_name='searchposting',
            constraint=models.CheckConstraint(condition=models.Q(('field__in', ['w', 't', 'p', 'c', 'k', 'd', 'a', 'm', 'e'])), name='search_posting_field_known'),
        ),
        migrations.AddConstraint(
            model_name='searchposting',
            constraint=models.CheckConstraint(condition=models.Q(('size__gte', 1), ('size__lte', 65536)), name='search_posting_size_range'),
        ),
        migrations.RunPython(file_published, migrations.RunPython.noop),
    ]
