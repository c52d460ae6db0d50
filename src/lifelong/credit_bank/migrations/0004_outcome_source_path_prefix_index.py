# An outcome's source path is only ever matched by prefix (an organisation's scope): one index
# made for that (PostgreSQL's pattern operator class) instead of two, so each outcome an
# import writes updates one index fewer.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credit_bank", "0003_credential_proof_pending"),
        ("identity", "0004_totp_replacement_and_reset"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outcome",
            name="source_path",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AddIndex(
            model_name="outcome",
            index=models.Index(
                fields=["source_path"],
                name="outcome_source_path",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
