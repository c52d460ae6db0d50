from django.db import migrations

from lifelong.shared.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("shared", "0001_initial")]
    operations = [AppendOnly("shared_auditentry")]
