from django.db import migrations

from lifelong.shared.append_only import AppendOnly
from lifelong.training_market.invariants import LedgerInvariants
from lifelong.training_market.national_rules import rule_rows


def seed_rules(apps, schema_editor):
    rule = apps.get_model("training_market", "ChargingRule")
    for row in rule_rows():
        rule.objects.get_or_create(
            category=row["category"], effective_from=row["effective_from"], defaults=row
        )


APPEND_ONLY = (
    "training_market_posting",
    "training_market_ledgertransaction",
    "training_market_consumption",
    "training_market_contract",
    "training_market_refundrequest",
    "training_market_chargingrule",
    "training_market_statuschange",
    "training_market_complaintevent",
    "training_market_inspection",
    "training_market_finding",
    "training_market_caseevent",
    "training_market_vettingcheck",
    "training_market_applicationevent",
    "training_market_bankstatement",
    "training_market_statementline",
    "training_market_mismatch",
)


class Migration(migrations.Migration):
    dependencies = [("training_market", "0001_initial")]

    operations = [
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
        LedgerInvariants(),
        *(AppendOnly(table) for table in APPEND_ONLY),
    ]
