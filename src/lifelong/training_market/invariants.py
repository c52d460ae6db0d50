# ruff: noqa: S608 -- every value put into these statements is a constant of this module.
"""The ledger's invariants, kept by the database itself (triggers on SQLite and PostgreSQL),
so that no code path — a service, the admin, a shell, a raw SQL statement — can break them.

What the database refuses:
- a transaction whose postings do not sum to zero, or that has fewer than two postings;
  on PostgreSQL a DEFERRABLE INITIALLY DEFERRED constraint trigger checks this at commit;
- a posting added to a transaction that is already sealed (postings come first, the
  transaction row last; see below), or to an account of another institution or contract;
- any balance below zero (escrow, reserve, each learner's prepaid money, the payables): the
  posting triggers keep `Account.balance_fen`, whose CHECK refuses a negative balance;
- a release beyond the value of the lessons taught, a refund beyond the unconsumed part,
  a payment beyond the contract total, more lessons than contracted: the posting and lesson
  triggers keep `ContractState`, whose CHECK constraints say exactly that;
- a settlement of anything but a pending transfer of the same kind, amount and contract, and
  a second settlement of the same transfer (a unique key);
- UPDATE or DELETE of postings, transactions, lessons, contracts (`AppendOnly`), DELETE of
  accounts and states, and (PostgreSQL) any UPDATE of them not made by these triggers.

Zero-sum on SQLite: SQLite has no deferred triggers, and a row trigger cannot see a
multi-row statement's later rows. So every transaction is written postings first, transaction
row last: the transaction row's AFTER INSERT trigger seals it, checking that its postings
(all already present) are at least two and sum to zero; a posting for a sealed transaction is
refused; and a posting whose transaction row never arrives breaks its deferred foreign key, so
the commit fails. A transaction therefore either commits balanced or does not commit. The same
order is used on PostgreSQL, where the deferred constraint trigger checks the sum once more at
commit. What SQLite cannot refuse is a direct UPDATE of a balance row by hand; `verify_ledger`
recomputes every balance from the postings and is run by the tests after every step.
"""

from __future__ import annotations

from django.db import migrations

T_POSTING = "training_market_posting"
T_TXN = "training_market_ledgertransaction"
T_ACCOUNT = "training_market_account"
T_STATE = "training_market_contractstate"
T_CONTRACT = "training_market_contract"
T_CONSUMPTION = "training_market_consumption"

PREPAID_KINDS = "('payment', 'release', 'release_void', 'refund', 'refund_void')"
PENDING_OF = (
    "CASE {k} WHEN 'release_settle' THEN 'release' WHEN 'release_void' THEN 'release' "
    "WHEN 'refund_settle' THEN 'refund' WHEN 'refund_void' THEN 'refund' END"
)
STATE_DELTAS = """
    paid_fen = paid_fen - CASE WHEN NEW.kind = 'payment' THEN NEW.amount_fen ELSE 0 END,
    released_fen = released_fen
        + CASE WHEN NEW.kind IN ('release', 'release_void') THEN NEW.amount_fen ELSE 0 END,
    refunded_fen = refunded_fen
        + CASE WHEN NEW.kind IN ('refund', 'refund_void') THEN NEW.amount_fen ELSE 0 END
"""


def _sqlite() -> list[str]:
    return [
        f"""CREATE TRIGGER tm_posting_check BEFORE INSERT ON {T_POSTING}
        BEGIN
          SELECT RAISE(ABORT, 'ledger: postings may not be added to a sealed transaction')
            WHERE EXISTS (SELECT 1 FROM {T_TXN} WHERE id = NEW.transaction_id);
          SELECT RAISE(ABORT, 'ledger: the account belongs to another institution or contract')
            WHERE NOT EXISTS (SELECT 1 FROM {T_ACCOUNT} a WHERE a.id = NEW.account_id
              AND a.institution_id = NEW.institution_id
              AND (a.contract_id IS NULL OR a.contract_id = NEW.contract_id));
          SELECT RAISE(ABORT, 'ledger: a learner prepaid account cannot take this transaction')
            WHERE EXISTS (SELECT 1 FROM {T_ACCOUNT} a WHERE a.id = NEW.account_id
              AND a.kind = 'learner_prepaid' AND (NEW.kind NOT IN {PREPAID_KINDS}
                OR NOT EXISTS (SELECT 1 FROM {T_STATE} s WHERE s.contract_id = NEW.contract_id)));
        END""",
        f"""CREATE TRIGGER tm_posting_apply AFTER INSERT ON {T_POSTING}
        BEGIN
          UPDATE {T_ACCOUNT} SET balance_fen = balance_fen + sign * NEW.amount_fen
            WHERE id = NEW.account_id;
          UPDATE {T_STATE} SET {STATE_DELTAS}
            WHERE contract_id = NEW.contract_id AND EXISTS (SELECT 1 FROM {T_ACCOUNT}
              WHERE id = NEW.account_id AND kind = 'learner_prepaid');
        END""",
        f"""CREATE TRIGGER tm_transaction_seal AFTER INSERT ON {T_TXN}
        BEGIN
          SELECT RAISE(ABORT, 'ledger: a transaction needs two or more postings summing to zero')
            WHERE (SELECT COUNT(*) FROM {T_POSTING} WHERE transaction_id = NEW.id) < 2
               OR (SELECT SUM(amount_fen) FROM {T_POSTING} WHERE transaction_id = NEW.id) <> 0;
          SELECT RAISE(ABORT, 'ledger: postings disagree with their transaction')
            WHERE EXISTS (SELECT 1 FROM {T_POSTING} p WHERE p.transaction_id = NEW.id
              AND (p.kind <> NEW.kind OR p.institution_id <> NEW.institution_id
                   OR p.contract_id IS NOT NEW.contract_id))
               OR (SELECT SUM(amount_fen) FROM {T_POSTING}
                   WHERE transaction_id = NEW.id AND amount_fen > 0) <> NEW.amount_fen;
          SELECT RAISE(ABORT, 'ledger: a settlement must settle a pending transfer like it')
            WHERE NEW.settles_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {T_TXN} t
              WHERE t.id = NEW.settles_id AND t.amount_fen = NEW.amount_fen
                AND t.contract_id IS NEW.contract_id AND t.kind = {PENDING_OF.format(k="NEW.kind")});
        END""",
        f"""CREATE TRIGGER tm_consumption_apply AFTER INSERT ON {T_CONSUMPTION}
        BEGIN
          SELECT RAISE(ABORT, 'ledger: lessons of a contract without a state')
            WHERE NOT EXISTS (SELECT 1 FROM {T_STATE} WHERE contract_id = NEW.contract_id);
          UPDATE {T_STATE} SET consumed_hours = consumed_hours + NEW.hours
            WHERE contract_id = NEW.contract_id;
        END""",
        f"""CREATE TRIGGER tm_account_opens_empty BEFORE INSERT ON {T_ACCOUNT}
        WHEN NEW.balance_fen <> 0
        BEGIN SELECT RAISE(ABORT, 'ledger: an account opens with a zero balance'); END""",
        f"""CREATE TRIGGER tm_account_fixed BEFORE UPDATE OF institution_id, kind, contract_id, sign
        ON {T_ACCOUNT}
        BEGIN SELECT RAISE(ABORT, 'ledger: an account never changes what it is'); END""",
        f"""CREATE TRIGGER tm_account_no_delete BEFORE DELETE ON {T_ACCOUNT}
        BEGIN SELECT RAISE(ABORT, 'ledger: accounts are never deleted'); END""",
        f"""CREATE TRIGGER tm_state_opens_empty BEFORE INSERT ON {T_STATE}
        WHEN NEW.paid_fen <> 0 OR NEW.released_fen <> 0 OR NEW.refunded_fen <> 0
          OR NEW.consumed_hours <> 0
          OR NOT EXISTS (SELECT 1 FROM {T_CONTRACT} c WHERE c.id = NEW.contract_id
                         AND c.total_fen = NEW.total_fen AND c.class_hours = NEW.class_hours)
        BEGIN SELECT RAISE(ABORT, 'ledger: a contract state opens empty, with its contract''s terms'); END""",
        f"""CREATE TRIGGER tm_state_fixed BEFORE UPDATE OF contract_id, total_fen, class_hours
        ON {T_STATE}
        BEGIN SELECT RAISE(ABORT, 'ledger: a contract''s terms never change'); END""",
        f"""CREATE TRIGGER tm_state_no_delete BEFORE DELETE ON {T_STATE}
        BEGIN SELECT RAISE(ABORT, 'ledger: contract states are never deleted'); END""",
    ]


_PG_RAISE = "RAISE EXCEPTION '%', msg USING ERRCODE = 'integrity_constraint_violation';"


def _postgres() -> list[str]:
    return [
        # One row trigger per posting does every check and keeps the balances: the account
        # row is found and updated in one statement, so a posting costs two index look-ups
        # and one or two updates (see bench/market_ledger.py).
        f"""CREATE OR REPLACE FUNCTION tm_posting_apply() RETURNS trigger AS $$
        DECLARE account_kind text; msg text;
        BEGIN
          IF EXISTS (SELECT 1 FROM {T_TXN} WHERE id = NEW.transaction_id) THEN
            msg := 'ledger: postings may not be added to a sealed transaction'; {_PG_RAISE}
          END IF;
          UPDATE {T_ACCOUNT} SET balance_fen = balance_fen + sign * NEW.amount_fen
            WHERE id = NEW.account_id AND institution_id = NEW.institution_id
              AND (contract_id IS NULL OR contract_id = NEW.contract_id)
            RETURNING kind INTO account_kind;
          IF NOT FOUND THEN
            msg := 'ledger: the account belongs to another institution or contract'; {_PG_RAISE}
          END IF;
          IF account_kind = 'learner_prepaid' THEN
            IF NEW.kind NOT IN {PREPAID_KINDS} THEN
              msg := 'ledger: a learner prepaid account cannot take this transaction'; {_PG_RAISE}
            END IF;
            UPDATE {T_STATE} SET {STATE_DELTAS} WHERE contract_id = NEW.contract_id;
            IF NOT FOUND THEN
              msg := 'ledger: a learner prepaid account cannot take this transaction'; {_PG_RAISE}
            END IF;
          END IF;
          RETURN NULL;
        END $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION tm_transaction_seal() RETURNS trigger AS $$
        DECLARE msg text;
        BEGIN
          IF EXISTS (SELECT 1 FROM {T_POSTING} p WHERE p.transaction_id = NEW.id
               AND (p.kind <> NEW.kind OR p.institution_id <> NEW.institution_id
                    OR p.contract_id IS DISTINCT FROM NEW.contract_id))
             OR (SELECT COALESCE(SUM(amount_fen), 0) FROM {T_POSTING}
                 WHERE transaction_id = NEW.id AND amount_fen > 0) <> NEW.amount_fen THEN
            msg := 'ledger: postings disagree with their transaction'; {_PG_RAISE}
          END IF;
          IF NEW.settles_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {T_TXN} t
               WHERE t.id = NEW.settles_id AND t.amount_fen = NEW.amount_fen
                 AND t.contract_id IS NOT DISTINCT FROM NEW.contract_id
                 AND t.kind = {PENDING_OF.format(k="NEW.kind")}) THEN
            msg := 'ledger: a settlement must settle a pending transfer like it'; {_PG_RAISE}
          END IF;
          RETURN NULL;
        END $$ LANGUAGE plpgsql""",
        # The zero-sum rule, checked at commit for every posting and every transaction row.
        f"""CREATE OR REPLACE FUNCTION tm_transaction_balanced() RETURNS trigger AS $$
        DECLARE txn uuid; legs int; total bigint; msg text;
        BEGIN
          IF TG_TABLE_NAME = '{T_POSTING}' THEN txn := NEW.transaction_id; ELSE txn := NEW.id; END IF;
          SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) INTO legs, total
            FROM {T_POSTING} WHERE transaction_id = txn;
          IF legs < 2 OR total <> 0 THEN
            msg := format('ledger: transaction %s has %s postings summing to %s, not zero',
                          txn, legs, total);
            RAISE EXCEPTION '%', msg USING ERRCODE = 'check_violation';
          END IF;
          RETURN NULL;
        END $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION tm_consumption_apply() RETURNS trigger AS $$
        DECLARE msg text;
        BEGIN
          UPDATE {T_STATE} SET consumed_hours = consumed_hours + NEW.hours
            WHERE contract_id = NEW.contract_id;
          IF NOT FOUND THEN msg := 'ledger: lessons of a contract without a state'; {_PG_RAISE} END IF;
          RETURN NULL;
        END $$ LANGUAGE plpgsql""",
        f"""CREATE OR REPLACE FUNCTION tm_kept_by_triggers() RETURNS trigger AS $$
        DECLARE msg text;
        BEGIN
          IF TG_OP = 'DELETE' THEN
            msg := format('ledger: %s rows are never deleted', TG_TABLE_NAME); {_PG_RAISE}
          END IF;
          IF TG_OP = 'INSERT' THEN
            -- Nested IFs: PL/pgSQL does not promise to short-circuit AND, and each table's
            -- NEW has only its own columns.
            IF TG_TABLE_NAME = '{T_ACCOUNT}' THEN
              IF NEW.balance_fen <> 0 THEN
                msg := 'ledger: an account opens with a zero balance'; {_PG_RAISE}
              END IF;
            ELSIF NEW.paid_fen <> 0 OR NEW.released_fen <> 0 OR NEW.refunded_fen <> 0
                OR NEW.consumed_hours <> 0
                OR NOT EXISTS (SELECT 1 FROM {T_CONTRACT} c WHERE c.id = NEW.contract_id
                  AND c.total_fen = NEW.total_fen AND c.class_hours = NEW.class_hours) THEN
              msg := 'ledger: a contract state opens empty, with its contract''s terms'; {_PG_RAISE}
            END IF;
            RETURN NEW;
          END IF;
          -- Only the posting and lesson triggers (depth 2) may change these rows.
          IF pg_trigger_depth() < 2 THEN
            msg := format('ledger: %s rows are kept by the ledger''s triggers only', TG_TABLE_NAME);
            {_PG_RAISE}
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS tm_posting_apply ON {T_POSTING}",
        f"""CREATE TRIGGER tm_posting_apply AFTER INSERT ON {T_POSTING}
            FOR EACH ROW EXECUTE FUNCTION tm_posting_apply()""",
        f"DROP TRIGGER IF EXISTS tm_transaction_seal ON {T_TXN}",
        f"""CREATE TRIGGER tm_transaction_seal AFTER INSERT ON {T_TXN}
            FOR EACH ROW EXECUTE FUNCTION tm_transaction_seal()""",
        f"DROP TRIGGER IF EXISTS tm_posting_balanced ON {T_POSTING}",
        f"""CREATE CONSTRAINT TRIGGER tm_posting_balanced AFTER INSERT ON {T_POSTING}
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tm_transaction_balanced()""",
        f"DROP TRIGGER IF EXISTS tm_transaction_balanced ON {T_TXN}",
        f"""CREATE CONSTRAINT TRIGGER tm_transaction_balanced AFTER INSERT ON {T_TXN}
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tm_transaction_balanced()""",
        f"DROP TRIGGER IF EXISTS tm_consumption_apply ON {T_CONSUMPTION}",
        f"""CREATE TRIGGER tm_consumption_apply AFTER INSERT ON {T_CONSUMPTION}
            FOR EACH ROW EXECUTE FUNCTION tm_consumption_apply()""",
        f"DROP TRIGGER IF EXISTS tm_account_kept ON {T_ACCOUNT}",
        f"""CREATE TRIGGER tm_account_kept BEFORE INSERT OR UPDATE OR DELETE ON {T_ACCOUNT}
            FOR EACH ROW EXECUTE FUNCTION tm_kept_by_triggers()""",
        f"DROP TRIGGER IF EXISTS tm_state_kept ON {T_STATE}",
        f"""CREATE TRIGGER tm_state_kept BEFORE INSERT OR UPDATE OR DELETE ON {T_STATE}
            FOR EACH ROW EXECUTE FUNCTION tm_kept_by_triggers()""",
    ]


_SQLITE_TRIGGERS = (
    "tm_posting_check",
    "tm_posting_apply",
    "tm_transaction_seal",
    "tm_consumption_apply",
    "tm_account_opens_empty",
    "tm_account_fixed",
    "tm_account_no_delete",
    "tm_state_opens_empty",
    "tm_state_fixed",
    "tm_state_no_delete",
)
_PG_TRIGGERS = (
    (T_POSTING, "tm_posting_apply"),
    (T_TXN, "tm_transaction_seal"),
    (T_POSTING, "tm_posting_balanced"),
    (T_TXN, "tm_transaction_balanced"),
    (T_CONSUMPTION, "tm_consumption_apply"),
    (T_ACCOUNT, "tm_account_kept"),
    (T_STATE, "tm_state_kept"),
)


class LedgerInvariants(migrations.RunPython):
    """Migration operation installing the ledger's triggers for the database in use."""

    def __init__(self) -> None:
        def forward(apps, schema_editor):
            vendor = schema_editor.connection.vendor
            if vendor == "sqlite":
                statements = _sqlite()
            elif vendor == "postgresql":
                statements = _postgres()
            else:
                raise RuntimeError(f"no ledger triggers for database {vendor}")
            for statement in statements:
                schema_editor.execute(statement, params=None)

        def backward(apps, schema_editor):
            if schema_editor.connection.vendor == "sqlite":
                for name in _SQLITE_TRIGGERS:
                    schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
            else:
                for table, name in _PG_TRIGGERS:
                    schema_editor.execute(
                        f'DROP TRIGGER IF EXISTS {name} ON "{table}"', params=None
                    )

        super().__init__(forward, backward)
