from django.db import migrations

from lifelong.shared.append_only import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("learning_map", "0001_initial")]

    operations = [AppendOnly("learning_map_servicehours")]
