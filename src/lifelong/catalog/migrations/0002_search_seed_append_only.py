"""Full-text index per database (SQLite FTS5 table, PostgreSQL tsvector column with GIN),
the nine top-level categories and the first badges, and append-only triggers on the tables
that carry rights or history."""

from django.db import migrations

from lifelong.shared.append_only import AppendOnly

CATEGORIES = [
    ("health", "健康养生", "Health and wellbeing"),
    ("arts", "文化艺术", "Culture and arts"),
    ("digital", "信息技术", "Digital skills"),
    ("life", "生活技能", "Everyday life"),
    ("career", "职业技能", "Vocational skills"),
    ("language", "语言学习", "Languages"),
    ("law", "法律与安全", "Law and safety"),
    ("family", "家庭教育", "Family education"),
    ("humanities", "人文历史", "Humanities and local history"),
]

BADGES = [
    ("health-3", "健康达人", "Health enthusiast", "完成3门健康养生课程", "courses_in_category", "health", 3),
    ("digital-3", "数字生活能手", "Digital life", "完成3门信息技术课程", "courses_in_category", "digital", 3),
    ("arts-3", "文艺达人", "Arts lover", "完成3门文化艺术课程", "courses_in_category", "arts", 3),
    ("streak-7", "坚持一周", "Seven-day streak", "连续学习7天", "streak_days", None, 7),
    ("streak-30", "月月坚持", "Thirty-day streak", "连续学习30天", "streak_days", None, 30),
    ("senior-mooc-1", "老年慕课初体验", "First senior MOOC", "完成第一门老年慕课", "first_senior_mooc", None, 1),
]


def create_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_resource_fts USING fts5("
            "tokens, tokenize = 'unicode61 remove_diacritics 0')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE catalog_resource ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', search_tokens)) STORED"
        )
        schema_editor.execute(
            "CREATE INDEX catalog_resource_search_gin ON catalog_resource USING gin (search_vector)"
        )
    else:
        raise RuntimeError(f"no full-text index for database {vendor}")


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS catalog_resource_fts")
    else:
        schema_editor.execute("DROP INDEX IF EXISTS catalog_resource_search_gin")
        schema_editor.execute("ALTER TABLE catalog_resource DROP COLUMN IF EXISTS search_vector")


def seed(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    Badge = apps.get_model("catalog", "Badge")
    for position, (code, name, name_en) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )
    for code, name, name_en, description, rule, category, threshold in BADGES:
        Badge.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "description": description,
                "rule": rule,
                "category": Category.objects.get(code=category) if category else None,
                "threshold": threshold,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(seed, migrations.RunPython.noop),
        AppendOnly("catalog_pointsentry"),
        AppendOnly("catalog_learningday"),
        AppendOnly("catalog_badgeaward"),
        AppendOnly("catalog_reviewevent"),
        AppendOnly("catalog_deliveryevent"),
        AppendOnly("catalog_certificate"),
    ]
