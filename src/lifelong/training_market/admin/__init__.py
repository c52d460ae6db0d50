"""The training market's back office, scoped like the API (`access.py`): a district officer
lists and opens only its district's institutions, complaints and cases; the city regulator and
the commission see the whole city. Every change goes through the same use case as the API
(status changes, complaint handling, case steps, new charging-rule versions), so the history
tables, the audit log and the notifications follow; a refusal is shown and nothing is saved.
Nothing is ever deleted, and the prepaid-funds ledger (accounts, transactions, postings) is
read-only for everyone: its balances change only through postings, which the database itself
refuses to update or delete.

Every list can be exported as CSV (the list's columns, with its filters and search applied);
each export is written to the audit log.

`base` holds the scoped admin, the export and the filters; `supervision` the registry,
complaints, cases and charging rules; `ledger` the read-only ledger."""

from lifelong.training_market.admin import ledger, supervision

__all__ = ["ledger", "supervision"]
